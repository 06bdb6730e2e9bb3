/**
 * Receivables reports: the aged balance (per customer, as of a date, from dated facts) on a 1,000,000-invoice
 * ledger (× BENCH_SCALE, at least 20,000) against a 10,000-invoice ledger holding the same open invoices — the rest
 * of the history paid (with its payments and allocations) or credited before the report's date. The report must
 * follow what is open at the date, not the ledger's history: goal ≤ 3×. Both ledgers are loaded with COPY; a few
 * hundred invoices are paid after the report's date (they are open at it), disputed or promised in both.
 * Also measured on the large ledger: the 12-month DSO and CEI trends, days late, balance cleaning, reminder results
 * and the whole overview (everything the PDF report and the dashboard show). BENCH_EXPLAIN=1 logs the aged balance's plan.
 */
import {
	agedBalance,
	balanceCleaning,
	cei,
	copyRows,
	daysLate,
	dso,
	receivablesOverview,
	reminderResults,
	type Ledger,
} from '../core';
import {
	analyze,
	copyCustomers,
	copyInvoices,
	freshLedger,
	timeIt,
	type InvoiceRow,
} from './lib/ledgers';
import { dropSchemas } from './lib/schemas';
import type { BenchContext, BenchFn } from './lib/types';

const AS_OF = '2026-03-31';
const asOfDate = new Date(`${AS_OF}T00:00:00Z`);
const day = (offset: number) =>
	new Date(asOfDate.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
const shift = (date: string, days: number) =>
	new Date(new Date(`${date}T00:00:00Z`).getTime() + days * 86_400_000).toISOString().slice(0, 10);

const CUSTOMERS = 2_000;
const OPEN = 5_000;
/** Paid after the report's date: open at it (found through their allocations). */
const PAID_LATER = 500;

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

/**
 * `size` invoices over two years: OPEN open ones (due dates spread over 200 days around the report's date),
 * PAID_LATER paid 10 days after the report's date, the rest paid before it (1 in 50 by a credit note instead of
 * a payment). One payment and one allocation per paid invoice.
 */
export async function load(ledger: Ledger, size: number): Promise<void> {
	await ledger.withClient(async (client) => {
		await client.query(
			`INSERT INTO staff (code, name, roles) SELECT 'REP' || g, 'Rep ' || g, '{sales_rep}' FROM generate_series(0, 19) g`,
		);
		await copyCustomers(client, CUSTOMERS, { salesReps: 20 });
		const [{ min: firstCustomer }] = (
			await client.query<{ min: string }>('SELECT min(id)::text AS min FROM customers')
		).rows;
		const customerId = (i: number) => (BigInt(firstCustomer) + BigInt(i % CUSTOMERS)).toString();
		const kind = (i: number): 'open' | 'later' | 'credited' | 'paid' =>
			i < OPEN ? 'open' : i < OPEN + PAID_LATER ? 'later' : i % 50 === 0 ? 'credited' : 'paid';
		const amount = (i: number) => 10_000 + ((i * 7919) % 900_000);
		// Open: due from 170 days before to 29 days after the date (issued 30 days before); paid later: due 20 days before, paid 10 days after;
		// paid: due 50 to 750 days before, paid 0 to 39 days after its due date (before the report's date).
		const dueOn = (i: number, k: ReturnType<typeof kind>) =>
			k === 'open' ? day(29 - (i % 200)) : k === 'later' ? day(-20) : day(-50 - (i % 700));
		const paidOn = (i: number) =>
			kind(i) === 'later' ? day(10) : shift(dueOn(i, kind(i)), i % 40);
		await copyInvoices(
			client,
			(function* (): Generator<InvoiceRow> {
				for (let i = 0; i < size; i++) {
					const k = kind(i);
					const a = amount(i);
					const due = dueOn(i, k);
					yield {
						number: `F-${i}`,
						customerId: customerId(i),
						excl: Math.round(a / 1.2),
						tax: a - Math.round(a / 1.2),
						open: k === 'open' ? a : 0,
						issue: shift(due, -30),
						due,
						status: k === 'open' ? 'open' : k === 'credited' ? 'credited' : 'paid',
						paidAt: k === 'later' || k === 'paid' ? paidOn(i) : null,
						hash: `h${i}`,
					};
				}
			})(),
		);
		const [{ min: firstInvoice }] = (
			await client.query<{ min: string }>('SELECT min(id)::text AS min FROM invoices')
		).rows;
		const invoiceId = (i: number) => (BigInt(firstInvoice) + BigInt(i)).toString();
		const paid: number[] = [];
		for (let i = OPEN; i < size; i++) if (kind(i) !== 'credited') paid.push(i);
		await copyRows(
			client,
			'payments',
			[
				'external_ref',
				'customer_id',
				'amount_minor',
				'unapplied_minor',
				'currency',
				'received_on',
				'status',
				'content_hash',
			],
			(function* () {
				for (const i of paid)
					yield [`P-${i}`, customerId(i), amount(i), 0, 'EUR', paidOn(i), 'applied', `p${i}`];
			})(),
		);
		const [{ min: firstPayment }] = (
			await client.query<{ min: string }>('SELECT min(id)::text AS min FROM payments')
		).rows;
		await copyRows(
			client,
			'allocations',
			['payment_id', 'invoice_id', 'amount_minor', 'method', 'applied_on', 'invoice_issued_on'],
			(function* () {
				let n = 0;
				for (const i of paid)
					yield [
						(BigInt(firstPayment) + BigInt(n++)).toString(),
						invoiceId(i),
						amount(i),
						'reference',
						paidOn(i),
						shift(dueOn(i, kind(i)), -30),
					];
			})(),
		);
		await copyRows(
			client,
			'invoices',
			[
				'doc_type',
				'number',
				'customer_id',
				'currency',
				'total_excl_minor',
				'total_tax_minor',
				'total_incl_minor',
				'payable_minor',
				'open_minor',
				'issue_date',
				'due_date',
				'status',
				'credited_invoice_id',
				'content_hash',
			],
			(function* () {
				for (let i = OPEN + PAID_LATER; i < size; i++) {
					if (kind(i) !== 'credited') continue;
					const a = amount(i);
					const on = day(-20 - (i % 700));
					yield [
						'credit_note',
						`AV-${i}`,
						customerId(i),
						'EUR',
						a,
						0,
						a,
						a,
						0,
						on,
						on,
						'credited',
						invoiceId(i),
						`c${i}`,
					];
				}
			})(),
		);
		// 300 disputes and 300 promises on open invoices.
		await client.query(
			`INSERT INTO disputes (customer_id, category, opened_at, amount_minor, currency)
			SELECT customer_id, 'commercial', $1::timestamptz, payable_minor, 'EUR' FROM invoices WHERE number IN (SELECT 'F-' || g FROM generate_series(0, 2999, 10) g) ORDER BY id`,
			[`${day(-15)}T10:00:00Z`],
		);
		await client.query(`INSERT INTO dispute_invoices (dispute_id, invoice_id)
			SELECT d.id, i.id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM disputes) d JOIN invoices i ON i.number = 'F-' || ((d.n - 1) * 10)`);
		await client.query(
			`INSERT INTO promises (customer_id, invoice_id, promised_on, amount_minor, currency, status, created_at)
			SELECT customer_id, id, $1::date, payable_minor, 'EUR', 'pending', $2::timestamptz FROM invoices WHERE number IN (SELECT 'F-' || g FROM generate_series(5, 2999, 10) g)`,
			[day(10), `${day(-5)}T10:00:00Z`],
		);
		await analyze(client, [
			'customers',
			'invoices',
			'payments',
			'allocations',
			'disputes',
			'dispute_invoices',
			'promises',
		]);
	});
}

const bench: BenchFn = async (ctx: BenchContext) => {
	const big = Math.max(20_000, Math.round(1_000_000 * ctx.scale));
	const small = 10_000;
	const medians: Record<string, number> = {};
	const totals: Record<string, string> = {};
	const schemas: string[] = [];
	try {
		for (const [tag, size] of [
			['small', small],
			['big', big],
		] as const) {
			const ledger = await freshLedger(ctx, schemas, `reports_${tag}`, { maxConnections: 4 });
			try {
				const loadMs = await timeIt(() => load(ledger, size));
				ctx.log(
					`${tag} ledger: ${size} invoices with their payments, allocations and credit notes loaded with COPY in ${Math.round(loadMs)} ms`,
				);
				const runs: number[] = [];
				for (let i = 0; i < 7; i++) {
					runs.push(
						await timeIt(async () => {
							const aged = await agedBalance(ledger, { asOf: AS_OF, groupBy: 'customer' });
							const eur = aged.totals.find((t) => t.currency === 'EUR');
							const count = eur?.invoices ?? 0;
							if (count !== OPEN + PAID_LATER)
								throw new Error(
									`${tag}: ${count} invoices open at ${AS_OF}, expected ${OPEN + PAID_LATER}`,
								);
							totals[tag] = eur?.open.amount ?? '';
						}),
					);
				}
				medians[tag] = median(runs);
				ctx.metric(
					`aged balance per customer, ${tag} ledger (${size} invoices), median of 7`,
					Math.round(medians[tag] * 10) / 10,
					'ms',
				);
				if (process.env.BENCH_EXPLAIN) {
					const { AGED_BALANCE_SQL } = await import('../core/reports/aged');
					const plan = await ledger.query<{ 'QUERY PLAN': string }>(
						`EXPLAIN (ANALYZE, BUFFERS) ${AGED_BALANCE_SQL('c.external_id', 'c.name', '$1', '$2', '$3', 'true')}`,
						[AS_OF, 'Europe/Paris', [30, 60, 90]],
					);
					ctx.log(plan.map((r) => r['QUERY PLAN']).join('\n'));
				}
				if (tag === 'big') {
					const at = { asOf: AS_OF };
					const parts: Array<[string, () => Promise<unknown>]> = [
						['DSO countback, 12 months', () => dso(ledger, { ...at, months: 12 })],
						['CEI, 12 months', () => cei(ledger, { ...at, months: 12 })],
						['days late, 12 months', () => daysLate(ledger, at)],
						['balance cleaning', () => balanceCleaning(ledger, at)],
						['reminder results, 30 days', () => reminderResults(ledger, at)],
						[
							'whole overview (12 months)',
							() => receivablesOverview(ledger, { ...at, months: 12 }),
						],
					];
					for (const [label, work] of parts)
						ctx.metric(`${label}, ${tag} ledger`, Math.round(await timeIt(work)), 'ms');
				}
			} finally {
				await ledger.close();
			}
		}
		if (totals.small !== totals.big)
			throw new Error(`the two ledgers disagree on what is open: ${totals.small} vs ${totals.big}`);
		ctx.ratio(`aged balance: ${big} vs ${small} invoices`, medians.big / medians.small, '≤ 3×');
	} finally {
		await dropSchemas(ctx.databaseUrl, schemas);
	}
};

export default bench;
