// The ledger's own fallbacks date a fact by the company's day, never the database server's: a write that names no
// date (SQL by hand, another tool) gets the day in the company's zone (receivables.zone, default Europe/Paris) or
// the caller's explicit date (receivables.effective_on). Tested with a session TimeZone whose date is not Paris's.
import { DateTime } from 'luxon';
import { runner } from 'node-pg-migrate';
import { Client, type PoolClient } from 'pg';
import { coreAssetPath } from '../assets';
import { knownMigrations, migrateLedger, MIGRATIONS_TABLE } from './migrate';
import { storeInvoices, storePayments, upsertCustomers, type Ledger, type LedgerInvoice } from '.';
import { todayIn } from '../time';
import {
	createTestLedger,
	dropSchema,
	dropTestLedger,
	testDatabaseUrl,
	uniqueSchema,
} from '../../test/helpers/db';

jest.setTimeout(120_000);

const PARIS = 'Europe/Paris';

/** A zone whose date differs from Paris's right now: 14 hours ahead of UTC, or 12 behind (one always differs). */
function otherDayZone(): string {
	const paris = todayIn(PARIS);
	const zone = ['Pacific/Kiritimati', 'Etc/GMT+12'].find((z) => todayIn(z) !== paris);
	if (!zone) throw new Error('no zone with another date than Paris');
	return zone;
}

function doc(number: string, payable: bigint): LedgerInvoice {
	return {
		docType: 'invoice',
		number,
		customerExternalId: 'T',
		currency: 'EUR',
		totalExclMinor: payable,
		totalTaxMinor: 0n,
		totalInclMinor: payable,
		payableMinor: payable,
		issueDate: '2026-03-02',
		dueDate: '2026-03-31',
	};
}

describe('the ledger triggers date facts by the company’s day', () => {
	let ledger: Ledger;
	const inSession = <T>(
		timeZone: string,
		work: (client: PoolClient) => Promise<T>,
		settings: Record<string, string> = {},
	) =>
		ledger.transaction(async (client) => {
			await client.query(`SELECT set_config('TimeZone', $1, true)`, [timeZone]);
			for (const [name, value] of Object.entries(settings))
				await client.query('SELECT set_config($1, $2, true)', [name, value]);
			return work(client);
		});
	const day = (client: PoolClient, sql: string, values: unknown[] = []) =>
		client.query<{ d: string }>(`SELECT (${sql})::text AS d`, values).then((r) => r.rows[0].d);

	beforeAll(async () => {
		ledger = await createTestLedger();
		await upsertCustomers(ledger, [{ externalId: 'T', name: 'Tau SARL' }]);
		await storeInvoices(ledger, [doc('FT-1', 100000n), doc('FT-2', 50000n), doc('FT-3', 30000n)]);
	});
	afterAll(async () => dropTestLedger(ledger));

	it('reads the day of an instant near midnight in the company’s zone, whatever the session’s TimeZone', async () => {
		// 23:30 UTC on 31 March 2026 = 01:30 on 1 April in Paris (UTC+2) = 19:30 on 31 March in New York.
		const night = '2026-03-31T23:30:00Z';
		for (const timeZone of ['UTC', 'America/New_York', 'Asia/Tokyo']) {
			expect(
				await inSession(timeZone, (c) => day(c, 'receivables_day($1::timestamptz)', [night])),
			).toBe('2026-04-01');
			// The server's own reading of that day: 31 March in UTC and New York, 1 April in Tokyo — what the triggers used.
		}
		expect(await inSession('UTC', (c) => day(c, '$1::timestamptz::date', [night]))).toBe(
			'2026-03-31',
		);
		// A company in Dakar (UTC+0) or New York says so with receivables.zone: 31 March.
		expect(
			await inSession('Asia/Tokyo', (c) => day(c, 'receivables_day($1::timestamptz)', [night]), {
				'receivables.zone': 'Africa/Dakar',
			}),
		).toBe('2026-03-31');
		expect(
			await inSession('UTC', (c) => day(c, 'receivables_day($1::timestamptz)', [night]), {
				'receivables.zone': 'America/New_York',
			}),
		).toBe('2026-03-31');
	});

	it('gives the effective day of a write as the caller’s date, else today in the company’s zone, not the server’s', async () => {
		const zone = otherDayZone();
		expect(await inSession(zone, (c) => day(c, 'current_date'))).not.toBe(todayIn(PARIS));
		expect(await inSession(zone, (c) => day(c, 'receivables_effective_on()'))).toBe(todayIn(PARIS));
		expect(
			await inSession(zone, (c) => day(c, 'receivables_effective_on()'), {
				'receivables.zone': zone,
			}),
		).toBe(todayIn(zone));
		expect(
			await inSession(zone, (c) => day(c, 'receivables_effective_on()'), {
				'receivables.effective_on': '2026-03-15',
			}),
		).toBe('2026-03-15');
		// An invoice revised by SQL with no date keeps its earlier content as superseded today in Paris.
		await inSession(zone, (c) =>
			c.query(
				"UPDATE invoices SET revision = revision + 1, payable_minor = 110000, total_incl_minor = 110000, total_excl_minor = 110000 WHERE number = 'FT-1'",
			),
		);
		const [kept] = await ledger.query<{ superseded_on: string; payable_minor: string }>(
			"SELECT r.superseded_on::text, r.payable_minor::text FROM invoice_revisions r JOIN invoices i ON i.id = r.invoice_id WHERE i.number = 'FT-1'",
		);
		expect(kept).toEqual({ superseded_on: todayIn(PARIS), payable_minor: '100000' });
	});

	it('dates an allocation written without its day by the company’s days: value date the day the payment is recorded, else the day it is allocated', async () => {
		const zone = otherDayZone();
		const paris = DateTime.now().setZone(PARIS);
		// Two payments received on 31 March: P-T1 recorded at the first second of today in Paris (the evening before in
		// UTC and in 'Etc/GMT+12'), P-T2 recorded three days ago. Both left unapplied, then allocated by SQL now.
		await storePayments(
			ledger,
			[
				{
					externalRef: 'P-T1',
					amountMinor: 50000n,
					currency: 'EUR',
					receivedOn: '2026-03-31',
					customerExternalId: 'T',
					referenceText: 'VIR',
				},
				{
					externalRef: 'P-T2',
					amountMinor: 30000n,
					currency: 'EUR',
					receivedOn: '2026-03-31',
					customerExternalId: 'T',
					referenceText: 'VIR',
				},
			],
			{ allocate: false },
		);
		await ledger.query("UPDATE payments SET created_at = $1 WHERE external_ref = 'P-T1'", [
			paris.startOf('day').plus({ seconds: 1 }).toUTC().toISO(),
		]);
		await ledger.query("UPDATE payments SET created_at = $1 WHERE external_ref = 'P-T2'", [
			paris.minus({ days: 3 }).toUTC().toISO(),
		]);
		const allocate = (ref: string, invoice: string, amount: number, timeZone: string) =>
			inSession(timeZone, (c) =>
				c.query(
					`INSERT INTO allocations (payment_id, invoice_id, amount_minor, method)
			 SELECT p.id, i.id, $3, 'manual' FROM payments p, invoices i WHERE p.external_ref = $1 AND i.number = $2`,
					[ref, invoice, amount],
				),
			);
		// Recorded today in Paris, allocated today in Paris: its value date, 31 March (the server in UTC saw two days).
		await allocate('P-T1', 'FT-2', 50000, 'UTC');
		// Recorded three days ago, allocated today: today in Paris, not the session's date.
		await allocate('P-T2', 'FT-3', 30000, zone);
		const rows = await ledger.query<{ ref: string; applied_on: string }>(
			'SELECT p.external_ref AS ref, a.applied_on::text FROM allocations a JOIN payments p ON p.id = a.payment_id ORDER BY p.external_ref',
		);
		expect(rows).toEqual([
			{ ref: 'P-T1', applied_on: '2026-03-31' },
			{ ref: 'P-T2', applied_on: todayIn(PARIS) },
		]);
	});

	it('dates a payment’s change of status written without a day by the company’s days', async () => {
		const zone = otherDayZone();
		// P-T1 was recorded today in Paris: a change today takes effect on its value date (31 March); P-T2, recorded
		// three days ago, changes today in Paris.
		await inSession('UTC', (c) =>
			c.query("UPDATE payments SET flag_reason = 'checked by hand' WHERE external_ref = 'P-T1'"),
		);
		await inSession(zone, (c) =>
			c.query("UPDATE payments SET flag_reason = 'checked by hand' WHERE external_ref = 'P-T2'"),
		);
		const rows = await ledger.query<{ ref: string; effective_on: string }>(
			"SELECT p.external_ref AS ref, s.effective_on::text FROM payment_states s JOIN payments p ON p.id = s.payment_id WHERE s.flag_reason = 'checked by hand' ORDER BY p.external_ref",
		);
		expect(rows).toEqual([
			{ ref: 'P-T1', effective_on: '2026-03-31' },
			{ ref: 'P-T2', effective_on: todayIn(PARIS) },
		]);
	});
});

describe('a ledger written before the company’s days migrates unchanged', () => {
	it('keeps every allocation, payment state and revision as it was; only what is written afterwards is dated by the company’s day', async () => {
		const schema = uniqueSchema();
		const client = new Client({ connectionString: testDatabaseUrl() });
		await client.connect();
		try {
			// The ledger as the version before 0068 left it, written by SQL with the old fallbacks, session in UTC.
			const before = knownMigrations().indexOf('0068_zone_days');
			expect(before).toBeGreaterThan(0);
			// Under the package's migration lock (node-pg-migrate refuses to run beside another migration on the server).
			await client.query('SELECT pg_advisory_lock($1)', [0x52454356]);
			await runner({
				dbClient: client,
				dir: coreAssetPath('ledger', 'migrations'),
				migrationsTable: MIGRATIONS_TABLE,
				schema,
				migrationsSchema: schema,
				createSchema: true,
				createMigrationsSchema: true,
				direction: 'up',
				count: before,
				checkOrder: true,
				singleTransaction: true,
				log: () => undefined,
			}).finally(() => client.query('SELECT pg_advisory_unlock($1)', [0x52454356]));
			await client.query(`SET search_path TO "${schema}"`);
			await client.query("SET TimeZone = 'UTC'");
			await client.query(`INSERT INTO customers (external_id, name) VALUES ('OLD', 'Ancien SA')`);
			await client.query(`INSERT INTO invoices (number, customer_id, currency, total_excl_minor, total_incl_minor, payable_minor, open_minor, issue_date, due_date, content_hash)
				SELECT n, id, 'EUR', 50000, 50000, 50000, 50000, '2026-03-02', '2026-03-31', n FROM customers, (VALUES ('FO-1'), ('FO-2')) v(n)`);
			await client.query(`INSERT INTO payments (external_ref, customer_id, amount_minor, unapplied_minor, currency, received_on, content_hash, created_at)
				SELECT 'P-OLD', id, 50000, 50000, 'EUR', '2026-03-31', 'h', '2026-03-31T22:30:00Z' FROM customers`);
			await client.query(
				`INSERT INTO allocations (payment_id, invoice_id, amount_minor, method) SELECT p.id, i.id, 50000, 'manual' FROM payments p, invoices i WHERE i.number = 'FO-1'`,
			);
			await client.query(`UPDATE payments SET status = 'applied', unapplied_minor = 0`);
			await client.query(
				`UPDATE invoices SET revision = 2, payable_minor = 60000, total_incl_minor = 60000, total_excl_minor = 60000 WHERE number = 'FO-2'`,
			);
			const snapshot = async () => ({
				allocations: (
					await client.query('SELECT id, applied_on::text FROM allocations ORDER BY id')
				).rows,
				states: (
					await client.query(
						'SELECT id, effective_on::text, status FROM payment_states ORDER BY id',
					)
				).rows,
				revisions: (
					await client.query(
						'SELECT invoice_id, revision, superseded_on::text, payable_minor::text FROM invoice_revisions ORDER BY invoice_id, revision',
					)
				).rows,
			});
			const old = await snapshot();
			expect(old.allocations).toHaveLength(1);
			expect(old.states).toHaveLength(2);
			expect(old.revisions).toHaveLength(1);

			const result = await migrateLedger(client, schema);
			expect(result.applied).toContain('0068_zone_days');
			await client.query(`SET search_path TO "${schema}"`);
			expect(await snapshot()).toEqual(old);

			// Written now, with no date, under a session in another day: today in Paris.
			const zone = otherDayZone();
			await client.query('SELECT set_config($1, $2, false)', ['TimeZone', zone]);
			await client.query(
				`UPDATE invoices SET revision = 3, payable_minor = 70000, total_incl_minor = 70000, total_excl_minor = 70000 WHERE number = 'FO-2'`,
			);
			const [latest] = (
				await client.query('SELECT superseded_on::text FROM invoice_revisions WHERE revision = 2')
			).rows;
			expect(latest).toEqual({ superseded_on: todayIn(PARIS) });
		} finally {
			await client.end();
			await dropSchema(schema);
		}
	});
});
