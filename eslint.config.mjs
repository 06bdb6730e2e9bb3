import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';
import { globalIgnores } from 'eslint/config';

// n8n's community-node rules for everything that ships; tests, benches and scripts are not shipped.
export default [
	globalIgnores([
		'test/**',
		'bench/**',
		'scripts/**',
		'docker/**',
		'**/*.test.ts',
		'.runtime/**',
		'.data/**',
	]),
	...configWithoutCloudSupport,
];
