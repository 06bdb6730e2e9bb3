import { openLedger, type Ledger } from '.';
import { dropSchema, testLedgerConfig, uniqueSchema } from '../../test/helpers/db';

describe('Ledger.query with a prepared statement', () => {
	const schema = uniqueSchema();
	let ledger: Ledger;
	beforeAll(async () => {
		// one connection: what was prepared on it is seen by the next statement
		ledger = openLedger({ ...testLedgerConfig(schema), maxConnections: 1 });
		await ledger.ensureReady();
	});
	afterAll(async () => {
		await ledger.close();
		await dropSchema(schema);
	});

	it('prepares a statement once per connection and runs it with new values each time', async () => {
		const named = { name: 'receivables_test_double' };
		const text = 'SELECT ($1::int * 2) AS n';
		expect(await ledger.query<{ n: number }>(named, text, [2])).toEqual([{ n: 4 }]);
		expect(await ledger.query<{ n: number }>(named, text, [21])).toEqual([{ n: 42 }]);
		const prepared = await ledger.query<{ name: string }>(
			"SELECT name FROM pg_prepared_statements WHERE name = 'receivables_test_double'",
		);
		expect(prepared).toHaveLength(1);
	});

	it('runs the statement unprepared when the server session already holds that name (a pooler in between)', async () => {
		// what a transaction-mode pooler can hand over: a server session holding a statement this client never prepared
		await ledger.query("PREPARE receivables_test_taken AS SELECT 'other' AS v");
		const rows = await ledger.query<{ v: string }>(
			{ name: 'receivables_test_taken' },
			"SELECT 'mine' AS v WHERE $1::int = 1",
			[1],
		);
		expect(rows).toEqual([{ v: 'mine' }]);
		// and keeps running unprepared from then on
		expect(
			await ledger.query<{ n: number }>({ name: 'receivables_test_after' }, 'SELECT $1::int AS n', [
				7,
			]),
		).toEqual([{ n: 7 }]);
		const after = await ledger.query(
			"SELECT name FROM pg_prepared_statements WHERE name = 'receivables_test_after'",
		);
		expect(after).toHaveLength(0);
	});
});
