/** @type {import('jest').Config} */
const { readdirSync, readFileSync } = require('node:fs');
const path = require('node:path');

const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }];
const common = {
	transform: { '^.+\\.ts$': tsJest },
	testEnvironment: 'node',
	moduleFileExtensions: ['ts', 'js', 'json'],
	// Only the folders that hold tests are crawled: .runtime (the installed n8n, gigabytes), .data and dist are not.
	roots: ['<rootDir>/core', '<rootDir>/nodes', '<rootDir>/test'],
};

/**
 * Unit tests need nothing but Node: no database, no build, no n8n, no mail server. A test file that uses any of them
 * (through the test helpers that open a ledger, run the engine or the scripts) is an integration test.
 */
const NEEDS_SERVICES =
	/helpers\/(db|engine|engineLedger|dunning|n8n|nodes|scripts|smtpSink|browser)['"]|-helpers['"]|reports-fixture|createTestLedger|TEST_DATABASE_URL|openLedger\(|\bdist\//;

function testFiles(dir) {
	return readdirSync(path.join(__dirname, dir), { withFileTypes: true }).flatMap((entry) => {
		const rel = path.join(dir, entry.name);
		if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testFiles(rel);
		return entry.name.endsWith('.test.ts') ? [rel] : [];
	});
}

const unitOrIntegration = ['core', 'nodes', 'test/unit'].flatMap(testFiles);
const needsServices = (file) =>
	NEEDS_SERVICES.test(readFileSync(path.join(__dirname, file), 'utf8'));
const unitTests = unitOrIntegration
	.filter((file) => !needsServices(file))
	.map((file) => `<rootDir>/${file}`);
const integrationTests = unitOrIntegration.filter(needsServices).map((file) => `<rootDir>/${file}`);

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
			testMatch: unitTests,
		},
		{
			...common,
			displayName: 'integration',
			testMatch: integrationTests,
		},
		{
			...common,
			displayName: 'workflows',
			testMatch: [
				'<rootDir>/test/workflows/**/*.test.ts',
				'<rootDir>/test/security/**/*.test.ts',
				'<rootDir>/test/nodes/**/*.test.ts',
			],
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
