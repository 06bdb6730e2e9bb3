import { Client } from 'pg';
import { checkLedger, knownMigrations, MIGRATIONS_TABLE, openLedger } from '.';
import { dropSchema, testDatabaseUrl, testLedgerConfig, uniqueSchema } from '../../test/helpers/db';

describe('ledger migrations', () => {
	const schemas: string[] = [];
	afterAll(async () => {
		for (const schema of schemas) await dropSchema(schema);
	});

	it('creates the schema on first use, once, even when many pools start together', async () => {
		const schema = uniqueSchema();
		schemas.push(schema);
		const before = await checkLedger(testLedgerConfig(schema));
		expect(before).toMatchObject({ ok: true, schemaState: 'absent' });
		const ledgers = Array.from({ length: 5 }, () => openLedger(testLedgerConfig(schema)));
		const results = await Promise.all(ledgers.map((l) => l.ensureReady()));
		expect(results.filter((r) => r.applied.length > 0)).toHaveLength(1);
		expect(results.every((r) => r.current === knownMigrations().at(-1))).toBe(true);
		const tables = await ledgers[0].query<{ table_name: string }>(
			'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1',
			[schema],
		);
		expect(tables.map((t) => t.table_name)).toEqual(
			expect.arrayContaining([
				'customers',
				'invoices',
				'payments',
				'allocations',
				'reminders',
				'history',
				'disputes',
				'promises',
				'contact_tasks',
				'waves',
				'deliveries',
				'courier_events',
				'portal_users',
				'webhook_deliveries',
				'holds',
				'dunning_policies',
				'staff',
			]),
		);
		await Promise.all(ledgers.map((l) => l.close()));
		expect(await checkLedger(testLedgerConfig(schema))).toMatchObject({
			ok: true,
			schemaState: 'current',
		});
	});

	it('keeps the history append-only', async () => {
		const schema = uniqueSchema();
		schemas.push(schema);
		const ledger = openLedger(testLedgerConfig(schema));
		await ledger.query("INSERT INTO history (kind, summary) VALUES ('note', 'first')");
		await expect(ledger.query("UPDATE history SET summary = 'changed'")).rejects.toThrow(
			'append-only',
		);
		await expect(ledger.query('DELETE FROM history')).rejects.toThrow('append-only');
		await ledger.close();
	});

	it('refuses a schema written by a newer version, with a clear message', async () => {
		const schema = uniqueSchema();
		schemas.push(schema);
		const ledger = openLedger(testLedgerConfig(schema));
		await ledger.ensureReady();
		await ledger.close();
		const client = new Client({ connectionString: testDatabaseUrl() });
		await client.connect();
		await client.query(
			`INSERT INTO "${schema}"."${MIGRATIONS_TABLE}" (name, run_on) VALUES ('9999_from_the_future', now())`,
		);
		await client.end();
		const again = openLedger(testLedgerConfig(schema));
		await expect(again.ensureReady()).rejects.toMatchObject({
			code: 'LEDGER_SCHEMA_TOO_NEW',
			message: expect.stringContaining('9999_from_the_future'),
		});
		await again.close();
		expect(await checkLedger(testLedgerConfig(schema))).toMatchObject({
			ok: false,
			schemaState: 'too_new',
		});
	});

	it('explains a wrong password, a wrong port and a missing database', async () => {
		const url = new URL(testDatabaseUrl());
		const wrongPort = await checkLedger({
			host: '127.0.0.1',
			port: 1,
			database: 'x',
			user: 'postgres',
		});
		expect(wrongPort.ok).toBe(false);
		expect(wrongPort.message).toMatch(/No Postgres server answers at 127\.0\.0\.1:1/);
		const noDb = await checkLedger({
			host: url.hostname,
			port: Number(url.port || 5432),
			user: decodeURIComponent(url.username),
			password: decodeURIComponent(url.password),
			database: 'no_such_database_here',
		});
		expect(noDb.ok).toBe(false);
		expect(noDb.message).toMatch(/does not exist/);
		const badSchema = () => testLedgerConfig('Robert"); DROP TABLE x;--');
		expect(() => openLedger(badSchema())).toThrow('not allowed');
	});
});
