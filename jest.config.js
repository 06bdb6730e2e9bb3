/** @type {import('jest').Config} */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }];
const common = {
	transform: { '^.+\\.ts$': tsJest },
	testEnvironment: 'node',
	moduleFileExtensions: ['ts', 'js', 'json'],
	// Only the folders that hold tests are crawled: .runtime (the installed n8n, gigabytes), .data and dist are not.
	roots: ['<rootDir>/core', '<rootDir>/nodes', '<rootDir>/test'],
};

module.exports = {
	// Tests talk to a real Postgres, SMTP server and n8n: on a loaded 2-core machine a step can take more than jest's
	// 5 s default without anything being wrong. Timing is measured in bench/, never asserted here.
	testTimeout: 30_000,
	globalSetup: '<rootDir>/test/globalSetup.cjs',
	globalTeardown: '<rootDir>/test/globalTeardown.cjs',
	projects: [
		{
			...common,
			displayName: 'unit',
			testMatch: ['<rootDir>/core/**/*.test.ts', '<rootDir>/nodes/**/*.test.ts', '<rootDir>/test/unit/**/*.test.ts'],
		},
		{
			...common,
			displayName: 'workflows',
			testMatch: ['<rootDir>/test/workflows/**/*.test.ts', '<rootDir>/test/security/**/*.test.ts', '<rootDir>/test/nodes/**/*.test.ts'],
		},
		{
			...common,
			displayName: 'e2e',
			testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
		},
		{
			...common,
			displayName: 'queue',
			testMatch: ['<rootDir>/test/queue/**/*.test.ts'],
		},
	],
};
