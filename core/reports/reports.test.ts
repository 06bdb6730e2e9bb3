// Receivables reports on a small hand-built ledger: every expected figure is worked out by hand in the comments.
// The ledger is built in two steps: the facts known at the end of March 2026, then April's (payments, a credit
// note, a dispute resolved and another opened, a promise kept, a hold released, a new invoice, a payment allocated
// by hand much later). Every report as of 2026-03-31 must be the same before and after April's facts.
import {
	allocatePayments,
	storeInvoices,
	storePayments,
	upsertCustomers,
	type Ledger,
	type LedgerInvoice,
	type PaymentInput,
} from '../ledger';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import {
	agedBalance,
	agedBuckets,
	balanceCleaning,
	cei,
	countbackDso,
	daysLate,
	disputeReport,
	distributionReport,
	dso,
	receivablesOverview,
	reminderResults,
} from '.';
import { waveCosts } from '../distribution';
import type { AgedBalanceRow, ReportAmount } from './types';

jest.setTimeout(120_000);

let ledger: Ledger;
const MARCH = '2026-03-31';
const APRIL = '2026-04-30';
const ZONE = 'Europe/Paris';

function invoice(
	number: string,
	customer: string,
	payable: bigint,
	issueDate: string,
	dueDate: string,
	extra: Partial<LedgerInvoice> = {},
): LedgerInvoice {
	return {
		docType: 'invoice',
		number,
		customerExternalId: customer,
		currency: 'EUR',
		totalExclMinor: payable,
		totalTaxMinor: 0n,
		totalInclMinor: payable,
		payableMinor: payable,
		issueDate,
		dueDate,
		...extra,
	};
}

function creditNote(
	number: string,
	customer: string,
	payable: bigint,
	issueDate: string,
	credited: string,
): LedgerInvoice {
	return invoice(number, customer, payable, issueDate, issueDate, {
		docType: 'credit_note',
		creditedNumber: credited,
	});
}

function pay(
	ref: string,
	customer: string | null,
	amount: bigint,
	receivedOn: string,
	referenceText: string,
	currency = 'EUR',
): PaymentInput {
	return {
		externalRef: ref,
		customerExternalId: customer,
		amountMinor: amount,
		currency,
		receivedOn,
		referenceText,
		payerName: customer ? null : 'SARL INCONNUE',
	};
}

async function id(table: 'invoices' | 'customers', key: string): Promise<string> {
	const column = table === 'invoices' ? 'number' : 'external_id';
	const [row] = await ledger.query<{ id: string }>(
		`SELECT id::text FROM ${table} WHERE ${column} = $1`,
		[key],
	);
	return row.id;
}

async function store(list: LedgerInvoice[]): Promise<void> {
	const outcomes = await storeInvoices(ledger, list);
	expect(outcomes.map((o) => o.status)).toEqual(list.map(() => 'created'));
}

/** Facts known at the end of March 2026. */
async function marchFacts(): Promise<void> {
	await ledger.query(
		`INSERT INTO staff (code, name, roles, manager_code) VALUES ('HEAD1', 'Hélène Chef', '{group_head}', NULL), ('HEAD2', 'Omar Chef', '{group_head}', NULL)`,
	);
	await ledger.query(`INSERT INTO staff (code, name, roles, manager_code) VALUES ('REP1', 'Sophie Martin', '{sales_rep}', 'HEAD1'), ('REP2', 'Karim B.', '{sales_rep}', 'HEAD2'),
		('COUR1', 'Coursier Lyon', '{courier}', NULL), ('COUR2', 'Coursier Casa', '{courier}', NULL)`);
	await ledger.query(
		`INSERT INTO dunning_policies (code, name) VALUES ('key_account', 'Key account'), ('risky', 'Risky') ON CONFLICT (code) DO NOTHING`,
	);
	await upsertCustomers(ledger, [
		{
			externalId: 'A',
			name: 'Alpha SA',
			profile: 'key_account',
			salesRepCode: 'REP1',
			emails: ['a@example.fr'],
		},
		{
			externalId: 'B',
			name: 'Beta SARL',
			profile: 'risky',
			salesRepCode: 'REP2',
			emails: ['b@example.fr'],
		},
		{
			externalId: 'C',
			name: 'Casa Négoce',
			profile: 'risky',
			salesRepCode: 'REP1',
			currency: 'MAD',
			country: 'MA',
			emails: ['c@example.ma'],
		},
	]);
	await store([
		invoice('FA-2026-0101', 'A', 100000n, '2026-01-05', '2026-02-04'), // A1 1 000,00
		invoice('FA-2026-0102', 'A', 50000n, '2026-03-01', '2026-04-30'), // A2 500,00
		invoice('FA-2025-0103', 'A', 30000n, '2025-12-01', '2025-12-31'), // A3 300,00
		invoice('FA-2025-0104', 'A', 20000n, '2025-10-01', '2025-10-31'), // A4 200,00
		invoice('FA-2026-0200', 'B', 20000n, '2026-01-10', '2026-02-09'), // B0 200,00
		invoice('FA-2026-0201', 'B', 80000n, '2026-02-15', '2026-03-17'), // B1 800,00
		invoice('FA-2026-0301', 'C', 150000n, '2026-02-01', '2026-03-01', { currency: 'MAD' }), // C1 1 500,00 MAD
		creditNote('AV-2026-0001', 'A', 5000n, '2026-03-15', 'FA-2025-0104'), // CN1 50,00 on A4
	]);
	const paid = await storePayments(ledger, [
		pay('P1', 'A', 40000n, '2026-03-10', 'VIR FA-2026-0101 ACOMPTE'), // 400,00 on A1 (partial)
		pay('P0', 'B', 20000n, '2026-02-01', 'FA-2026-0200'), // B0 paid early
		pay('P3', 'B', 80000n, '2026-03-20', 'FA-2026-0201'), // B1 paid 3 days late
		pay('P4', null, 15000n, '2026-03-28', 'REGLEMENT'), // unknown payer: unapplied
	]);
	expect(paid.map((p) => p.allocation?.status)).toEqual([
		'applied',
		'applied',
		'applied',
		'unapplied',
	]);
	const [a1, a2, a4, b1, c1] = await Promise.all(
		['FA-2026-0101', 'FA-2026-0102', 'FA-2025-0104', 'FA-2026-0201', 'FA-2026-0301'].map((n) =>
			id('invoices', n),
		),
	);
	const [ca, cb, cc] = await Promise.all(['A', 'B', 'C'].map((c) => id('customers', c)));
	// D1: dispute on A1 opened 5 March (600,00 disputed).
	const [d1] = await ledger.query<{ id: string }>(
		`INSERT INTO disputes (customer_id, category, subcategory, status, opened_at, amount_minor, currency, evidence)
		VALUES ($1, 'commercial', 'price', 'open', '2026-03-05 10:00+01', 60000, 'EUR', 'Prix non conforme') RETURNING id::text`,
		[ca],
	);
	await ledger.query('INSERT INTO dispute_invoices (dispute_id, invoice_id) VALUES ($1, $2)', [
		d1.id,
		a1,
	]);
	// Promises: C1 (made 20 March, still pending), A2 (made 25 March).
	await ledger.query(
		`INSERT INTO promises (customer_id, invoice_id, promised_on, amount_minor, currency, status, source, created_at) VALUES
		($1, $2, '2026-04-15', 150000, 'MAD', 'pending', 'call', '2026-03-20 11:00+01'), ($3, $4, '2026-04-01', 50000, 'EUR', 'pending', 'email', '2026-03-25 09:00+01')`,
		[cc, c1, ca, a2],
	);
	// Delay agreement on A4 from 1 March to 1 May.
	await ledger.query(
		`INSERT INTO holds (customer_id, invoice_id, reason, until, created_at) VALUES ($1, $2, 'Accord de délai', '2026-05-01', '2026-03-01 09:00+01')`,
		[ca, a4],
	);
	// Reminders of March.
	await ledger.query(
		`INSERT INTO reminders (invoice_id, customer_id, stage, channel, status, claimed_at, sent_at) VALUES
		($1, $2, 'first', 'email', 'sent', '2026-03-01 08:00+01', '2026-03-01 08:01+01'),
		($3, $2, 'first', 'email', 'sent', '2026-03-25 08:00+01', '2026-03-25 08:01+01'),
		($4, $5, 'first', 'email', 'bounced', '2026-03-18 08:00+01', '2026-03-18 08:01+01'),
		($4, $5, 'second', 'email', 'sent', '2026-03-19 08:00+01', '2026-03-19 08:01+01'),
		($6, $2, 'first', 'email', 'failed', '2026-03-02 08:00+01', NULL)`,
		[a1, ca, await id('invoices', 'FA-2025-0103'), b1, cb, a4],
	);
	// Waves: Lyon (courier 2,00 + printing 0,50 per invoice) planned 10 March; Casablanca (10,00 MAD) planned 15 March.
	const [w1] = await ledger.query<{
		id: string;
	}>(`INSERT INTO waves (code, billing_cycle, zone, courier_code, planned_on, currency, courier_rate_minor, printing_rate_minor)
		VALUES ('W1', 'monthly', 'LYON', 'COUR1', '2026-03-10', 'EUR', 200, 50) RETURNING id::text`);
	const [w2] = await ledger.query<{
		id: string;
	}>(`INSERT INTO waves (code, billing_cycle, zone, courier_code, planned_on, currency, courier_rate_minor)
		VALUES ('W2', 'monthly', 'CASA', 'COUR2', '2026-03-15', 'MAD', 1000) RETURNING id::text`);
	await ledger.query(
		`INSERT INTO deliveries (wave_id, invoice_id, customer_id) VALUES ($1, $2, $5), ($1, $3, $5), ($1, $4, $5)`,
		[w1.id, a1, a2, await id('invoices', 'FA-2025-0103'), ca],
	);
	await ledger.query(
		`INSERT INTO deliveries (wave_id, invoice_id, customer_id) VALUES ($1, $2, $3)`,
		[w2.id, c1, cc],
	);
	await courierEvent('e1', 'COUR1', 'FA-2026-0101', 'delivered', '2026-03-10 15:00+01');
	await courierEvent('e2', 'COUR1', 'FA-2026-0102', 'delivered', '2026-03-12 15:00+01');
	await courierEvent('e3', 'COUR1', 'FA-2025-0103', 'absent', '2026-03-11 15:00+01');
	await courierEvent('e4', 'COUR2', 'FA-2026-0301', 'delivered', '2026-03-15 12:00+01');
}

/** A courier event and the delivery's status it leads to (as Courier Tracking records them). */
async function courierEvent(
	eventId: string,
	courier: string,
	number: string,
	type: string,
	at: string,
): Promise<void> {
	const [d] = await ledger.query<{ id: string; invoice_id: string }>(
		'SELECT d.id::text, d.invoice_id::text FROM deliveries d JOIN invoices i ON i.id = d.invoice_id WHERE i.number = $1',
		[number],
	);
	await ledger.query(
		'INSERT INTO courier_events (event_id, courier_code, delivery_id, invoice_id, type, occurred_at) VALUES ($1, $2, $3, $4, $5, $6)',
		[eventId, courier, d.id, d.invoice_id, type, at],
	);
	await ledger.query(
		`UPDATE deliveries SET status = $2, last_event_at = $3, delivered_at = CASE WHEN $2 = 'delivered' THEN $3::timestamptz ELSE delivered_at END WHERE id = $1`,
		[d.id, type, at],
	);
}

/** April's facts, and the unknown payer's payment allocated by hand today (long after it arrived). */
async function aprilFacts(): Promise<void> {
	await store([
		invoice('FA-2026-0202', 'B', 99900n, '2026-04-02', '2026-05-02'), // B2 999,00
		creditNote('AV-2026-0002', 'A', 10000n, '2026-04-10', 'FA-2026-0102'), // CN2 100,00 on A2
	]);
	await storePayments(ledger, [pay('P2', 'A', 30000n, '2026-04-05', 'FA-2025-0103')]); // A3 paid 5 April
	const [ca] = [await id('customers', 'A')];
	await ledger.query(
		`UPDATE disputes SET status = 'resolved', resolved_at = '2026-04-03 16:00+02', resolution = 'credit_note', root_cause = 'Tarif non mis à jour', justified = true`,
	);
	const [d2] = await ledger.query<{ id: string }>(
		`INSERT INTO disputes (customer_id, category, status, opened_at, amount_minor, currency) VALUES ($1, 'logistics', 'open', '2026-04-02 10:00+02', 15000, 'EUR') RETURNING id::text`,
		[ca],
	);
	await ledger.query('INSERT INTO dispute_invoices (dispute_id, invoice_id) VALUES ($1, $2)', [
		d2.id,
		await id('invoices', 'FA-2025-0104'),
	]);
	await ledger.query(
		`UPDATE promises SET status = 'kept', settled_at = '2026-04-01 18:00+02' WHERE currency = 'EUR'`,
	);
	await ledger.query(`UPDATE holds SET released_at = '2026-04-15 09:00+02'`);
	await ledger.query(
		`INSERT INTO reminders (invoice_id, customer_id, stage, channel, status, claimed_at, sent_at) VALUES ($1, $2, 'second', 'email', 'sent', '2026-04-02 08:00+02', '2026-04-02 08:01+02')`,
		[await id('invoices', 'FA-2026-0101'), ca],
	);
	await courierEvent('e5', 'COUR1', 'FA-2025-0103', 'delivered', '2026-04-02 15:00+02');
	// The unknown payer turns out to be A; the payment was recorded on 28 March and is allocated today: it pays A4
	// (150,00 open) from today on, not from 28 March.
	await ledger.query(
		`UPDATE payments SET customer_id = $1, created_at = '2026-03-28 12:00+01' WHERE external_ref = 'P4'`,
		[ca],
	);
	const [p4] = await ledger.query<{ id: string }>(
		`SELECT id::text FROM payments WHERE external_ref = 'P4'`,
	);
	const allocated = await allocatePayments(ledger, { paymentIds: [p4.id] });
	expect(allocated[0].allocations.map((a) => a.invoiceNumber)).toEqual(['FA-2025-0104']);
}

const eur = (minor: bigint | number): ReportAmount => {
	const m = BigInt(minor);
	const abs = m < 0n ? -m : m;
	return {
		currency: 'EUR',
		minor: m.toString(),
		amount: `${m < 0n ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`,
	};
};
const mad = (minor: bigint | number): ReportAmount => ({ ...eur(minor), currency: 'MAD' });
const bucketMinors = (row: AgedBalanceRow | undefined) => row?.buckets.map((b) => Number(b.minor));

let marchReports: Record<string, unknown>;

async function reportsAtEndOfMarch(): Promise<Record<string, unknown>> {
	const at = { asOf: MARCH, zone: ZONE };
	return {
		aged: await agedBalance(ledger, { ...at, groupBy: 'customer' }),
		agedRep: await agedBalance(ledger, { ...at, groupBy: 'sales_rep', buckets: [15, 45] }),
		dso: await dso(ledger, { ...at, months: 3 }),
		dsoSimple: await dso(ledger, { ...at, months: 3, method: 'simple' }),
		cei: await cei(ledger, { ...at, months: 3 }),
		late: await daysLate(ledger, { ...at, from: '2026-01-01' }),
		cleaning: await balanceCleaning(ledger, { ...at, doubtfulAfterDays: 90 }),
		reminders: await reminderResults(ledger, { ...at, from: '2026-03-01' }),
		disputes: await disputeReport(ledger, at),
		distribution: await distributionReport(ledger, { ...at, from: '2026-03-01' }),
	};
}

beforeAll(async () => {
	ledger = await createTestLedger();
	await marchFacts();
	marchReports = await reportsAtEndOfMarch();
});
afterAll(async () => dropTestLedger(ledger));

describe('aged balance', () => {
	it('buckets open amounts at the as-of date, with disputed and promised amounts apart, per currency', async () => {
		const aged = await agedBalance(ledger, { asOf: MARCH, zone: ZONE, groupBy: 'customer' });
		expect(aged.buckets.map((b) => b.key)).toEqual(['not_due', '1-30', '31-60', '61-90', '>90']);
		// A at 31 March: A2 500,00 not due (due 30 April); A1 1 000,00 − P1 400,00 = 600,00, 55 days late (4 Feb → 31 Mar)
		// → 31-60; A3 300,00, 90 days late (31 Dec → 31 Mar) → 61-90; A4 200,00 − CN1 50,00 = 150,00, 151 days → > 90.
		// Open 500 + 600 + 300 + 150 = 1 550,00; overdue 1 050,00; disputed A1 600,00 (D1 opened 5 March);
		// promised A2 500,00 (promise of 25 March). B: B0 and B1 are paid, no row. C: C1 1 500,00 MAD, 30 days late
		// (1 Mar → 31 Mar) → 1-30, promised.
		expect(aged.rows).toEqual([
			{
				key: 'A',
				label: 'Alpha SA',
				currency: 'EUR',
				invoices: 4,
				open: eur(155000),
				buckets: [50000, 0, 60000, 30000, 15000].map(eur),
				overdue: eur(105000),
				disputed: eur(60000),
				promised: eur(50000),
			},
			{
				key: 'C',
				label: 'Casa Négoce',
				currency: 'MAD',
				invoices: 1,
				open: mad(150000),
				buckets: [0, 150000, 0, 0, 0].map(mad),
				overdue: mad(150000),
				disputed: mad(0),
				promised: mad(150000),
			},
		]);
		expect(aged.totals.map((t) => [t.key, t.open.amount])).toEqual([
			['EUR', '1550.00'],
			['MAD', '1500.00'],
		]);
	});

	it('groups by sales rep, profile, currency or nothing, with configurable buckets', async () => {
		const byRep = await agedBalance(ledger, {
			asOf: MARCH,
			groupBy: 'sales_rep',
			buckets: [15, 45],
		});
		// Buckets not due, 1-15, 16-45, > 45: A2 500 | — | — | A1 600 (55 d), A3 300 (90 d), A4 150 (151 d) = 1 050; C1 (30 d) → 16-45.
		expect(byRep.buckets.map((b) => b.key)).toEqual(['not_due', '1-15', '16-45', '>45']);
		expect(byRep.rows.map((r) => [r.key, r.label, r.currency, bucketMinors(r)])).toEqual([
			['REP1', 'Sophie Martin', 'EUR', [50000, 0, 0, 105000]],
			['REP1', 'Sophie Martin', 'MAD', [0, 0, 150000, 0]],
		]);
		const byProfile = await agedBalance(ledger, { asOf: MARCH, groupBy: 'profile' });
		expect(byProfile.rows.map((r) => [r.key, r.currency, r.open.minor])).toEqual([
			['key_account', 'EUR', '155000'],
			['risky', 'MAD', '150000'],
		]);
		const none = await agedBalance(ledger, { asOf: MARCH, groupBy: 'none', currency: 'MAD' });
		expect(none.rows.map((r) => [r.key, r.currency, r.open.amount])).toEqual([
			['all', 'MAD', '1500.00'],
		]);
		await expect(agedBalance(ledger, { buckets: [30, 20] })).rejects.toMatchObject({
			code: 'REPORT_OPTIONS_INVALID',
		});
		await expect(agedBalance(ledger, { groupBy: 'colour' as never })).rejects.toMatchObject({
			code: 'REPORT_OPTIONS_INVALID',
		});
		await expect(agedBalance(ledger, { asOf: '2026-02-30' })).rejects.toMatchObject({
			code: 'REPORT_OPTIONS_INVALID',
		});
		expect(agedBuckets([30, 60, 90]).map((b) => [b.fromDays, b.toDays])).toEqual([
			[null, 0],
			[1, 30],
			[31, 60],
			[61, 90],
			[91, null],
		]);
	});
});

describe('DSO, CEI and days late', () => {
	it('computes the countback DSO per month and currency', async () => {
		const report = await dso(ledger, { asOf: MARCH, zone: ZONE, months: 3 });
		// EUR net sales: Oct 200 (A4), Nov 0, Dec 300 (A3), Jan 1 200 (A1 + B0), Feb 800 (B1), Mar 500 − 50 (A2 − CN1) = 450.
		// 31 Jan: open A1 1 000 + A3 300 + A4 200 + B0 200 = 1 700. Jan 1 200 < 1 700 → 31 d, 500 left; Dec 300 → 62 d,
		//   200 left; Nov no sales → 92 d; Oct 200 ≥ 200 → + 31 × 200/200 = 123,0.
		// 28 Feb: open A1 1 000 + A3 300 + A4 200 + B1 800 = 2 300. Feb 800 → 28 d, 1 500; Jan 1 200 → 59 d, 300;
		//   Dec 300 ≥ 300 → + 31 = 90,0.
		// 31 Mar: open 1 550. Mar 450 → 31 d, 1 100; Feb 800 → 59 d, 300; Jan 1 200 ≥ 300 → + 31 × 300/1 200 = 7,75 → 66,8.
		// MAD: Feb open 1 500, sales 1 500 → 28 × 1 500/1 500 = 28,0; Mar open 1 500, no sales → 31 + 28 = 59,0.
		expect(
			report.points.map((p) => [p.month, p.currency, p.receivables.amount, p.sales.amount, p.dso]),
		).toEqual([
			['2026-01', 'EUR', '1700.00', '1200.00', 123],
			['2026-02', 'EUR', '2300.00', '800.00', 90],
			['2026-02', 'MAD', '1500.00', '1500.00', 28],
			['2026-03', 'EUR', '1550.00', '450.00', 66.8],
			['2026-03', 'MAD', '1500.00', '0.00', 59],
		]);
		expect(countbackDso(0n, MARCH, () => 0n)).toBe(0);
	});

	it('computes the simple DSO over the last three months of sales', async () => {
		const report = await dso(ledger, { asOf: MARCH, months: 3, method: 'simple', currency: 'EUR' });
		// 31 Jan: 1 700 × (30 + 31 + 31 days, Nov–Jan) / (0 + 300 + 1 200) = 104,27 → 104,3.
		// 28 Feb: 2 300 × (31 + 31 + 28) / (300 + 1 200 + 800) = 90,0.  31 Mar: 1 550 × 90 / (1 200 + 800 + 450) = 56,94 → 56,9.
		expect(report.points.map((p) => [p.month, p.dso])).toEqual([
			['2026-01', 104.3],
			['2026-02', 90],
			['2026-03', 56.9],
		]);
	});

	it('computes the collection effectiveness index per month', async () => {
		const report = await cei(ledger, { asOf: MARCH, months: 2, currency: 'EUR' });
		// Feb: B = open 31 Jan 1 700, S = 800, E = 2 300, not due at 28 Feb: B1 800 → (1 700 + 800 − 2 300) / (1 700 + 800 − 800)
		//   = 200 / 1 700 = 11,76 % → 11,8.
		// Mar: B = 2 300, S = 450, E = 1 550, not due at 31 Mar: A2 500 → 1 200 / 2 250 = 53,33 % → 53,3.
		expect(
			report.points.map((p) => [
				p.month,
				p.beginning.amount,
				p.sales.amount,
				p.ending.amount,
				p.endingCurrent.amount,
				p.cei,
			]),
		).toEqual([
			['2026-02', '1700.00', '800.00', '2300.00', '800.00', 11.8],
			['2026-03', '2300.00', '450.00', '1550.00', '500.00', 53.3],
		]);
	});

	it('weights days late per customer by the amount paid', async () => {
		const report = await daysLate(ledger, { asOf: MARCH, from: '2026-01-01' });
		// A: P1 400 on A1 on 10 March, due 4 Feb → 34 days late, issued 5 Jan → 64 days to pay.
		// B: P0 200 on 1 Feb (due 9 Feb → 0 late; issued 10 Jan → 22 d) and P3 800 on 20 March (due 17 March → 3 late; issued
		//   15 Feb → 33 d): late (200 × 0 + 800 × 3) / 1 000 = 2,4; to pay (200 × 22 + 800 × 33) / 1 000 = 30,8; 80 % paid late.
		expect(report.weighting).toBe('amount');
		expect(
			report.rows.map((r) => [
				r.customer,
				r.invoices,
				r.paid.amount,
				r.averageDaysLate,
				r.averageDaysToPay,
				r.lateShare,
			]),
		).toEqual([
			['A', 1, '400.00', 34, 64, 1],
			['B', 2, '1000.00', 2.4, 30.8, 0.8],
		]);
	});
});

describe('balance cleaning, reminders, disputes, distribution', () => {
	it('lists promises, delay requests, disputes, doubtful debts and unapplied payments at the date', async () => {
		const report = await balanceCleaning(ledger, { asOf: MARCH, doubtfulAfterDays: 90 });
		const section = (key: string) => report.sections.find((s) => s.key === key)!;
		// Promises: C1 1 500 MAD, A2 500 EUR. Delay: A4's agreement (A4 open 150). Dispute D1 600. Doubtful (> 90 days):
		// A4 151 days (A3 is exactly 90). Unapplied: P4 150 received 28 March.
		expect(section('promises').totals).toEqual([eur(50000), mad(150000)]);
		expect(
			section('delay_requests').items.map((i) => [
				i.invoiceNumber,
				i.amount?.amount,
				i.date,
				i.detail,
			]),
		).toEqual([['FA-2025-0104', '150.00', '2026-05-01', 'Accord de délai']]);
		expect(
			section('disputes').items.map((i) => [i.invoiceNumber, i.amount?.amount, i.detail]),
		).toEqual([['FA-2026-0101', '600.00', 'commercial/price']]);
		expect(
			section('doubtful').items.map((i) => [i.invoiceNumber, i.daysOverdue, i.amount?.amount]),
		).toEqual([['FA-2025-0104', 151, '150.00']]);
		expect(section('unapplied_payments').items.map((i) => [i.amount?.amount, i.date])).toEqual([
			['150.00', '2026-03-28'],
		]);
		expect(section('ambiguous_payments').count).toBe(0);
	});

	it('gives reminder volumes, bounce rate, invoices paid after each stage and reminders per paid invoice', async () => {
		const report = await reminderResults(ledger, { asOf: MARCH, from: '2026-03-01', to: MARCH });
		expect(report.volumes).toEqual([
			{ day: '2026-03-01', stage: 'first', channel: 'email', sent: 1, bounced: 0, failed: 0 },
			{ day: '2026-03-02', stage: 'first', channel: 'email', sent: 0, bounced: 0, failed: 1 },
			{ day: '2026-03-18', stage: 'first', channel: 'email', sent: 1, bounced: 1, failed: 0 },
			{ day: '2026-03-19', stage: 'second', channel: 'email', sent: 1, bounced: 0, failed: 0 },
			{ day: '2026-03-25', stage: 'first', channel: 'email', sent: 1, bounced: 0, failed: 0 },
		]);
		// first: A1 (1 Mar, not paid), B1 (18 Mar, bounced; paid 20 Mar = 2 days after), A3 (25 Mar; paid 5 April, after
		// the as-of date) → 3 sent, 1 bounced (0,333), paid within 7 and 14 days: 1. second: B1 (19 Mar) paid a day after.
		// Paid in March with a reminder before: B1 with 2 reminders → 2 per paid invoice.
		expect(report.stages).toEqual([
			{
				stage: 'first',
				sent: 3,
				bounced: 1,
				bounceRate: 0.333,
				paidWithin: [
					{ days: 7, count: 1, share: 0.333 },
					{ days: 14, count: 1, share: 0.333 },
				],
			},
			{
				stage: 'second',
				sent: 1,
				bounced: 0,
				bounceRate: 0,
				paidWithin: [
					{ days: 7, count: 1, share: 1 },
					{ days: 14, count: 1, share: 1 },
				],
			},
		]);
		expect([report.paidInvoices, report.remindersPerPaidInvoice]).toEqual([1, 2]);
	});

	it('analyses disputes with the Dispute Classifier analysis, as of the date', async () => {
		const report = await disputeReport(ledger, { asOf: MARCH });
		expect(report.totals).toEqual({
			count: 1,
			open: 1,
			resolved: 0,
			amounts: [{ currency: 'EUR', amount: '600.00' }],
		});
		expect(report.groups.map((g) => [g.key, g.count, g.averageOpenAgeDays])).toEqual([
			['commercial', 1, 26],
		]); // 5 → 31 March
	});

	it('gives delivered on time, delay and cost per delivered invoice per zone and courier', async () => {
		const report = await distributionReport(ledger, { asOf: MARCH, from: '2026-03-01' });
		// CASA: 1 delivery delivered on the planned day; 10,00 MAD. LYON: 3 deliveries × (2,00 + 0,50) = 7,50; A1 delivered on
		// the day (0), A2 two days late (2) → 1 on time of 2, average delay 1,0; A3 absent → failed; 7,50 / 2 = 3,75.
		expect(report.rows).toEqual([
			{
				zone: 'CASA',
				courier: 'COUR2',
				currency: 'MAD',
				waves: 1,
				deliveries: 1,
				delivered: 1,
				onTime: 1,
				onTimeRate: 1,
				averageDelayDays: 0,
				failed: 0,
				cost: mad(1000),
				costPerDelivered: mad(1000),
			},
			{
				zone: 'LYON',
				courier: 'COUR1',
				currency: 'EUR',
				waves: 1,
				deliveries: 3,
				delivered: 2,
				onTime: 1,
				onTimeRate: 0.5,
				averageDelayDays: 1,
				failed: 1,
				cost: eur(750),
				costPerDelivered: eur(375),
			},
		]);
		// The same cost as Wave Costs counts it.
		const costs = await waveCosts(ledger, { groupBy: 'zone', from: '2026-03-01', to: MARCH });
		expect(costs.map((c) => [c.key, c.total])).toEqual(
			report.rows.map((r) => [r.zone, r.cost?.amount]),
		);
	});
});

describe('history', () => {
	it('reports of 31 March do not change when April payments, credit notes, disputes and allocations arrive', async () => {
		await aprilFacts();
		const [p4] = await ledger.query<{ applied_on: string; today: string }>(
			`SELECT a.applied_on::text, current_date::text AS today FROM allocations a JOIN payments p ON p.id = a.payment_id WHERE p.external_ref = 'P4'`,
		);
		expect(p4.applied_on).toBe(p4.today); // allocated by hand today, not back-dated to 28 March
		const [p2] = await ledger.query<{ applied_on: string }>(
			`SELECT a.applied_on::text FROM allocations a JOIN payments p ON p.id = a.payment_id WHERE p.external_ref = 'P2'`,
		);
		expect(p2.applied_on).toBe('2026-04-05'); // allocated when recorded: the payment's own date
		const after = await reportsAtEndOfMarch();
		// Every figure is the same. Only what is known about the unapplied payment improved: its payer has since been
		// identified as A (a description of the payment, not a figure); its amount and date at 31 March are unchanged.
		const unidentified = (report: unknown) =>
			JSON.parse(JSON.stringify(report), (key, value) =>
				['customer', 'customerName', 'salesRep', 'detail'].includes(key) ? undefined : value,
			);
		const { cleaning: cleaningAfter, ...figuresAfter } = after;
		const { cleaning: cleaningBefore, ...figuresBefore } = marchReports;
		expect(figuresAfter).toEqual(figuresBefore);
		const payments = (c: unknown) =>
			(c as { sections: Array<{ key: string }> }).sections.filter(
				(s) => s.key === 'unapplied_payments',
			);
		const others = (c: unknown) =>
			(c as { sections: Array<{ key: string }> }).sections.filter(
				(s) => s.key !== 'unapplied_payments',
			);
		expect(others(cleaningAfter)).toEqual(others(cleaningBefore));
		expect(unidentified(payments(cleaningAfter))).toEqual(unidentified(payments(cleaningBefore)));
	});

	it('reports of 30 April see April', async () => {
		const aged = await agedBalance(ledger, { asOf: APRIL, groupBy: 'customer' });
		// A: A2 500 − CN2 100 = 400 not due (due 30 April); A1 600, 85 days → 61-90; A3 paid 5 April; A4 150, 181 days
		// → > 90 (P4 pays it only from today), disputed by D2 (opened 2 April); D1 resolved 3 April; A2's promise kept 1 April.
		// B: B2 999 not due. C: C1 1 500 MAD, 60 days → 31-60, still promised.
		expect(
			aged.rows.map((r) => [r.key, bucketMinors(r), r.disputed.minor, r.promised.minor]),
		).toEqual([
			['A', [40000, 0, 0, 60000, 15000], '15000', '0'],
			['B', [99900, 0, 0, 0, 0], '0', '0'],
			['C', [0, 0, 150000, 0, 0], '0', '150000'],
		]);
		const reminders = await reminderResults(ledger, { asOf: APRIL, from: '2026-03-01', to: MARCH });
		// A3 reminded 25 March, paid 5 April (11 days later): now within 14 days, not within 7.
		expect(reminders.stages[0].paidWithin.map((w) => w.count)).toEqual([1, 2]);
		const disputes = await disputeReport(ledger, { asOf: APRIL });
		expect(disputes.totals).toMatchObject({ count: 2, open: 1, resolved: 1 });
		const distribution = await distributionReport(ledger, {
			asOf: APRIL,
			from: '2026-03-01',
			to: MARCH,
		});
		// A3 delivered on 2 April (23 days after the wave's day): 3 delivered, 1 on time, delay (0 + 2 + 23) / 3 = 8,3.
		expect(distribution.rows[1]).toMatchObject({
			zone: 'LYON',
			delivered: 3,
			onTime: 1,
			failed: 0,
			averageDelayDays: 8.3,
			costPerDelivered: eur(250),
		});
	});

	it('limits every report to a portal user’s scope, with the tracking portal’s predicate', async () => {
		const rep2 = await agedBalance(ledger, { asOf: APRIL, scope: { level: 2, staffCode: 'REP2' } });
		expect(rep2.rows.map((r) => r.key)).toEqual(['B']);
		const head1 = await agedBalance(ledger, {
			asOf: APRIL,
			scope: { level: 3, staffCode: 'HEAD1' },
		});
		expect(head1.rows.map((r) => r.key)).toEqual(['A', 'C']);
		const all = await agedBalance(ledger, { asOf: APRIL, scope: { level: 1, staffCode: null } });
		expect(all.rows).toHaveLength(3);
		const overview = await receivablesOverview(ledger, {
			asOf: APRIL,
			scope: { level: 2, staffCode: 'REP2' },
			months: 3,
		});
		expect(overview.disputes.totals.count).toBe(0);
		expect(overview.distribution.rows).toEqual([]);
		expect(overview.cleaning.sections.every((s) => s.items.every((i) => i.customer === 'B'))).toBe(
			true,
		);
		expect(overview.daysLate.rows.map((r) => r.customer)).toEqual(['B']);
		await expect(
			agedBalance(ledger, { scope: { level: 2, staffCode: null } }),
		).rejects.toMatchObject({ code: 'REPORT_OPTIONS_INVALID' });
	});

	it('keeps each allocation’s invoice issue date in step when the invoice is revised', async () => {
		const [outcome] = await storeInvoices(ledger, [
			invoice('FA-2026-0200', 'B', 20000n, '2026-01-12', '2026-02-11'),
		]);
		expect(outcome.status).toBe('revised');
		const rows = await ledger.query<{ issued: string }>(
			`SELECT a.invoice_issued_on::text AS issued FROM allocations a JOIN invoices i ON i.id = a.invoice_id WHERE i.number = 'FA-2026-0200'`,
		);
		expect(rows).toEqual([{ issued: '2026-01-12' }]);
	});
});
