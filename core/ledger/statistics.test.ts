import {
	ANALYZE_MIN_ROWS,
	statisticsStale,
	storeInvoices,
	upsertCustomers,
	type Ledger,
	type LedgerInvoice,
} from '.';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';

describe('statisticsStale', () => {
	it('asks for ANALYZE once a load has doubled the analysed rows, never for small loads', () => {
		expect(statisticsStale(ANALYZE_MIN_ROWS - 1, 0)).toBe(false);
		expect(statisticsStale(ANALYZE_MIN_ROWS, 0)).toBe(true);
		expect(statisticsStale(999_999, 1_000_000)).toBe(false);
		expect(statisticsStale(1_000_000, 1_000_000)).toBe(true);
	});
});

describe('storeInvoices keeps the planner statistics of the invoices table fresh', () => {
	let ledger: Ledger;
	beforeAll(async () => {
		ledger = await createTestLedger();
		await upsertCustomers(ledger, [{ externalId: 'C001', name: 'Boulangerie Martin' }]);
	});
	afterAll(async () => dropTestLedger(ledger));

	const invoices = (from: number, count: number): LedgerInvoice[] =>
		Array.from({ length: count }, (_v, k) => ({
			docType: 'invoice',
			number: `S-${from + k}`,
			customerExternalId: 'C001',
			currency: 'EUR',
			totalExclMinor: 1000n,
			totalTaxMinor: 200n,
			totalInclMinor: 1200n,
			payableMinor: 1200n,
			issueDate: '2026-10-01',
			dueDate: '2026-10-31',
		}));
	const analysed = async (): Promise<{ tuples: number; analyses: number }> => {
		const [row] = await ledger.query<{ tuples: number; analyses: string }>(
			`SELECT c.reltuples::float8 AS tuples, (s.analyze_count + s.autoanalyze_count)::text AS analyses
			 FROM pg_class c JOIN pg_stat_all_tables s ON s.relid = c.oid WHERE c.oid = to_regclass('invoices')`,
		);
		return { tuples: row.tuples, analyses: Number(row.analyses) };
	};

	it('analyses the table after a bulk load, and not after a small one', async () => {
		await storeInvoices(ledger, invoices(0, 10));
		const before = await analysed();
		expect(before.tuples).toBeLessThanOrEqual(10);
		const outcomes = await storeInvoices(ledger, invoices(10, 6000), { batchSize: 1000 });
		expect(outcomes.every((o) => o.status === 'created')).toBe(true);
		// The statistics describe the table as loaded (ANALYZE ran during the load), not as it was before.
		const after = await analysed();
		expect(after.tuples).toBeGreaterThanOrEqual(ANALYZE_MIN_ROWS);
		// The lookup of existing documents by number stays an index scan.
		const [plan] = await ledger.query<{ 'QUERY PLAN': string }>(
			"EXPLAIN SELECT id FROM invoices WHERE number = ANY(ARRAY['S-1', 'S-2'])",
		);
		expect(plan['QUERY PLAN']).toMatch(/Index|Bitmap/);
	});

	it('writes the ids it took from the sequence: the rows, their outcomes and later ids agree', async () => {
		const outcomes = await storeInvoices(ledger, invoices(20_000, 3));
		const rows = await ledger.query<{ id: string; number: string }>(
			'SELECT id::text, number FROM invoices WHERE number = ANY($1::text[]) ORDER BY id',
			[['S-20000', 'S-20001', 'S-20002']],
		);
		expect(rows.map((r) => [r.id, r.number])).toEqual(outcomes.map((o) => [o.id, o.number]));
		const [next] = await ledger.query<{ id: string }>(
			"INSERT INTO invoices (number, customer_id, currency, total_excl_minor, total_incl_minor, payable_minor, open_minor, issue_date, due_date, content_hash) SELECT 'S-X', id, 'EUR', 1, 1, 1, 1, '2026-01-01', '2026-01-01', 'x' FROM customers LIMIT 1 RETURNING id::text",
		);
		expect(BigInt(next.id)).toBeGreaterThan(BigInt(rows[2].id));
	});
});
