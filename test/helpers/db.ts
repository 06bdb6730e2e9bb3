import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openLedger, type Ledger, type LedgerConfig } from '../../core';

export function testDatabaseUrl(): string {
	const url = process.env.TEST_DATABASE_URL;
	if (!url)
		throw new Error(
			'TEST_DATABASE_URL is not set: run the tests through jest (test/globalSetup.cjs sets it).',
		);
	return url;
}

/** A schema name no other test uses. */
export function uniqueSchema(prefix = 't'): string {
	return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

export function testLedgerConfig(schema = uniqueSchema()): LedgerConfig {
	return { connectionString: testDatabaseUrl(), schema };
}

/** A ledger in a fresh schema of its own, migrated. Drop it with dropTestLedger. */
export async function createTestLedger(schema = uniqueSchema()): Promise<Ledger> {
	const ledger = openLedger(testLedgerConfig(schema));
	await ledger.ensureReady();
	return ledger;
}

export async function dropSchema(schema: string): Promise<void> {
	const client = new Client({ connectionString: testDatabaseUrl() });
	await client.connect();
	try {
		await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
	} finally {
		await client.end();
	}
}

export async function dropTestLedger(ledger: Ledger): Promise<void> {
	await ledger.close();
	await dropSchema(ledger.schema);
}

/** Credential fields for the receivablesLedgerApi credential pointing at the test database. */
export function ledgerCredentialData(schema: string): Record<string, string | number> {
	const url = new URL(testDatabaseUrl());
	return {
		host: url.hostname,
		port: Number(url.port || 5432),
		database: url.pathname.replace(/^\//, '') || 'postgres',
		user: decodeURIComponent(url.username || 'postgres'),
		password: decodeURIComponent(url.password || ''),
		ssl: 'disable',
		schema,
	};
}
