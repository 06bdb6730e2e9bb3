/**
 * The ledger of a test file (or describe block) that runs workflows or nodes through the engine: before its tests a
 * fresh migrated schema and the Receivables Ledger credential pointing at it; after them the engine's and nodes'
 * database pools closed, then the schema dropped. Call it at the top of the describe block:
 *
 *   const t = engineLedger();
 *   beforeAll(() => seedDistribution(t.ledger));
 *   test('…', async () => { await runWorkflow(workflow, { credentials: t.credentials }); });
 *
 * `t.ledger` and `t.credentials` are set once the block's first beforeAll has run (read them inside hooks and tests).
 *
 * `engineLedger({}, { ledgerRole: true })`: the ledger and the credential use a login that is not a superuser, made
 * the way `npm start` makes its ledger role (scripts/lib/database.mjs, ensureLedgerRole), so row-level security
 * really applies to what the nodes run; the role is dropped after the block.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openLedger, type Ledger } from '../../core';
import {
	createTestLedger,
	dropTestLedger,
	ledgerCredentialData,
	testDatabaseUrl,
	uniqueSchema,
} from './db';
import { closeEngine } from './engine';
import { moduleUrl, runModule, scriptEnv } from './scripts';

export interface EngineLedger {
	ledger: Ledger;
	/** receivablesLedgerApi for the ledger, with the other credentials given. */
	credentials: Record<string, Record<string, string | number>>;
}

export function engineLedger(
	otherCredentials: Record<string, Record<string, string | number>> = {},
	options: { ledgerRole?: boolean } = {},
): EngineLedger {
	const t = {} as EngineLedger;
	let role: { name: string; password: string } | undefined;
	beforeAll(async () => {
		if (!options.ledgerRole) {
			t.ledger = await createTestLedger();
			t.credentials = {
				receivablesLedgerApi: ledgerCredentialData(t.ledger.schema),
				...otherCredentials,
			};
			return;
		}
		role = {
			name: `rcv_test_${randomBytes(4).toString('hex')}`,
			password: randomBytes(12).toString('hex'),
		};
		const schema = uniqueSchema();
		await runModule(
			`
			import { createRequire } from 'node:module';
			import { ensureLedgerRole } from '${moduleUrl('scripts/lib/database.mjs')}';
			const pg = createRequire(import.meta.url)('pg');
			const client = new pg.Client({ connectionString: ${JSON.stringify(testDatabaseUrl())} });
			await client.connect();
			await ensureLedgerRole(client, { role: ${JSON.stringify(role.name)}, password: ${JSON.stringify(role.password)}, schema: ${JSON.stringify(schema)} });
			await client.end();
			console.log(JSON.stringify({ ok: true }));
		`,
			scriptEnv(),
		);
		const credential = {
			...ledgerCredentialData(schema),
			user: role.name,
			password: role.password,
		};
		const url = new URL(testDatabaseUrl());
		url.username = role.name;
		url.password = role.password;
		t.ledger = openLedger({ connectionString: url.toString(), schema });
		await t.ledger.ensureReady();
		t.credentials = { receivablesLedgerApi: credential, ...otherCredentials };
	}, 120_000);
	afterAll(async () => {
		await closeEngine();
		if (t.ledger) await dropTestLedger(t.ledger);
		if (role) {
			const client = new Client({ connectionString: testDatabaseUrl() });
			await client.connect();
			try {
				await client.query(
					'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1',
					[role.name],
				);
				await client.query(`DROP OWNED BY "${role.name}" CASCADE`).catch(() => undefined);
				await client.query(`DROP ROLE IF EXISTS "${role.name}"`);
			} finally {
				await client.end();
			}
		}
	}, 120_000);
	return t;
}

/** Asserts that the nodes of an engine ledger made with `ledgerRole` run as that role: no superuser, no RLS bypass. */
export async function expectLedgerRole(t: EngineLedger): Promise<void> {
	const [me] = await t.ledger.query<{ user: string; superuser: string }>(
		"SELECT current_user AS user, current_setting('is_superuser') AS superuser",
	);
	expect(me).toEqual({ user: t.credentials.receivablesLedgerApi.user, superuser: 'off' });
	const [role] = await t.ledger.query<{ rolsuper: boolean; rolbypassrls: boolean }>(
		'SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user',
	);
	expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
}
