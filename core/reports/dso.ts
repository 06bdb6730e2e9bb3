import { DateTime } from 'luxon';
import type { Ledger } from '../ledger';
import { daysBetween } from '../time';
import {
	amountOf,
	Params,
	type Base,
	baseOptions,
	filterSql,
	oneDecimal,
	openItemsCte,
	ratio,
	reportError,
	reportQuery,
} from './sql';
import { creditsAt } from './net';
import type {
	CeiPoint,
	CeiReport,
	DsoMethod,
	DsoOptions,
	DsoPoint,
	DsoReport,
	TrendOptions,
} from './types';

/** Receivables open at a date per currency, and the part not yet due (due date on or after the date). */
export const OPEN_TOTALS_SQL = (
	date: string,
	where: string,
): string => `WITH ${openItemsCte(date, where)}
	SELECT currency, sum(open)::text AS open, coalesce(sum(open) FILTER (WHERE due_date >= ${date}::date), 0)::text AS current
	FROM open_items WHERE open > 0 GROUP BY currency`;

/**
 * Net sales per month and currency: invoices issued (payable) minus credit notes issued, between two dates, each
 * document with its current content (documents revised since are corrected by REVISED_SALES_SQL / NetSales.at).
 */
export const NET_SALES_SQL = (
	from: string,
	to: string,
	where: string,
): string => `SELECT to_char(i.issue_date, 'YYYY-MM') AS month, i.currency::text AS currency,
		sum(CASE WHEN i.doc_type = 'invoice' THEN i.payable_minor ELSE -i.payable_minor END)::text AS sales
	FROM invoices i JOIN customers c ON c.id = i.customer_id
	WHERE i.issue_date BETWEEN ${from}::date AND ${to}::date AND i.status <> 'cancelled' AND (${where})
	GROUP BY 1, 2`;

export interface OpenTotals {
	open: bigint;
	current: bigint;
}

/** Receivables at a date, remembered per date by the caller (an overview reads each month's end once). */
export type OpenTotalsCache = Map<string, Promise<Map<string, OpenTotals>>>;

export async function openTotalsAt(
	ledger: Ledger,
	base: Base,
	date: string,
	cache?: OpenTotalsCache,
	net = false,
): Promise<Map<string, OpenTotals>> {
	const id = net ? `${date}|net` : date;
	const cached = cache?.get(id);
	if (cached) return await cached;
	const work = net ? netOpenTotals(ledger, base, date, cache) : queryOpenTotals(ledger, base, date);
	cache?.set(id, work);
	return await work;
}

/**
 * Open invoices less credits (credit notes, unapplied cash) per currency. The part not yet due is the invoices'
 * not-yet-due part, at most the net (credits are taken off what is due last) and never below zero.
 */
async function netOpenTotals(
	ledger: Ledger,
	base: Base,
	date: string,
	cache?: OpenTotalsCache,
): Promise<Map<string, OpenTotals>> {
	const [gross, credits] = await Promise.all([
		openTotalsAt(ledger, base, date, cache),
		creditsAt(ledger, base, date),
	]);
	const out = new Map<string, OpenTotals>();
	for (const currency of new Set([...gross.keys(), ...credits.keys()])) {
		const open = (gross.get(currency)?.open ?? 0n) - (credits.get(currency) ?? 0n);
		const current = gross.get(currency)?.current ?? 0n;
		out.set(currency, { open, current: open < 0n ? 0n : current < open ? current : open });
	}
	return out;
}

async function queryOpenTotals(
	ledger: Ledger,
	base: Base,
	date: string,
): Promise<Map<string, OpenTotals>> {
	const p = new Params();
	const d = p.add(date);
	const rows = await reportQuery<{ currency: string; open: string; current: string }>(
		ledger,
		OPEN_TOTALS_SQL(d, filterSql(base, p, 'i.currency')),
		p.values,
	);
	return new Map(
		rows.map((r) => [r.currency, { open: BigInt(r.open), current: BigInt(r.current) }]),
	);
}

/**
 * Every content held by the documents revised after `since` (the kept revisions, each with the day it stopped
 * holding, then the current row with `until` null), signed as sales (credit notes negative), with whether the
 * report's filters keep it: what NetSales.at needs to read sales as they stood at an earlier date.
 */
export const REVISED_SALES_SQL = (
	since: string,
	whereKept: string,
	whereCurrent: string,
): string => `WITH revised AS (
		SELECT DISTINCT invoice_id FROM invoice_revisions WHERE superseded_on > ${since}::date
	)
	SELECT r.invoice_id::text AS id, r.revision, r.superseded_on::text AS until, r.issue_date::text AS issue_date, r.currency::text AS currency,
		(CASE WHEN d.doc_type = 'invoice' THEN r.payable_minor ELSE -r.payable_minor END)::text AS amount, (d.status <> 'cancelled' AND ${whereKept}) AS kept
	FROM invoice_revisions r JOIN invoices d ON d.id = r.invoice_id JOIN customers c ON c.id = r.customer_id
	WHERE r.invoice_id IN (SELECT invoice_id FROM revised)
	UNION ALL
	SELECT i.id::text, i.revision, NULL, i.issue_date::text, i.currency::text,
		(CASE WHEN i.doc_type = 'invoice' THEN i.payable_minor ELSE -i.payable_minor END)::text, (i.status <> 'cancelled' AND ${whereCurrent})
	FROM invoices i JOIN customers c ON c.id = i.customer_id
	WHERE i.id IN (SELECT invoice_id FROM revised)`;

interface RevisedRow {
	id: string;
	revision: number;
	until: string | null;
	issue_date: string;
	currency: string;
	amount: string;
	kept: boolean;
}

/**
 * Net sales per month and currency as they stood at a date: a revision takes effect the day it is recorded, so the
 * sales of a month read at date D count each document with the content it had at D.
 */
export class NetSales {
	private readonly memo = new Map<string, Map<string, Map<string, bigint>>>();

	constructor(
		private readonly current: Map<string, Map<string, bigint>>,
		private readonly revised: Map<string, RevisedRow[]>,
		private readonly from: string,
		private readonly to: string,
	) {}

	/** month (YYYY-MM) → currency → net sales, as they stood at `date`. */
	at(date: string): Map<string, Map<string, bigint>> {
		let out = this.memo.get(date);
		if (out) return out;
		out = new Map([...this.current].map(([month, byCurrency]) => [month, new Map(byCurrency)]));
		const add = (row: RevisedRow | undefined, sign: bigint) => {
			if (!row || !row.kept || row.issue_date < this.from || row.issue_date > this.to) return;
			const month = row.issue_date.slice(0, 7);
			if (!out!.has(month)) out!.set(month, new Map());
			const byCurrency = out!.get(month)!;
			byCurrency.set(
				row.currency,
				(byCurrency.get(row.currency) ?? 0n) + sign * BigInt(row.amount),
			);
		};
		for (const rows of this.revised.values()) {
			const now = rows.find((r) => r.until === null);
			const then = rows.find((r) => r.until !== null && r.until > date) ?? now;
			if (then === now) continue;
			add(now, -1n);
			add(then, 1n);
		}
		this.memo.set(date, out);
		return out;
	}
}

/** Net sales for issue dates in [from, to], readable as they stood at any date from `since` on. */
export async function netSalesByMonth(
	ledger: Ledger,
	base: Base,
	from: string,
	to: string,
	since: string = to,
): Promise<NetSales> {
	const p = new Params();
	const f = p.add(from);
	const t = p.add(to);
	const rows = await reportQuery<{ month: string; currency: string; sales: string }>(
		ledger,
		NET_SALES_SQL(f, t, filterSql(base, p, 'i.currency')),
		p.values,
	);
	const current = new Map<string, Map<string, bigint>>();
	for (const r of rows) {
		if (!current.has(r.month)) current.set(r.month, new Map());
		current.get(r.month)!.set(r.currency, BigInt(r.sales));
	}
	const q = new Params();
	const s = q.add(since);
	const revisedRows = await reportQuery<RevisedRow>(
		ledger,
		REVISED_SALES_SQL(s, filterSql(base, q, 'r.currency'), filterSql(base, q, 'i.currency')),
		q.values,
	);
	const revised = new Map<string, RevisedRow[]>();
	for (const r of revisedRows) {
		if (!revised.has(r.id)) revised.set(r.id, []);
		revised.get(r.id)!.push(r);
	}
	for (const list of revised.values())
		list.sort(
			(a, b) => (a.until ?? '9999').localeCompare(b.until ?? '9999') || a.revision - b.revision,
		);
	return new NetSales(current, revised, from, to);
}

interface Month {
	month: string;
	from: string;
	/** End of the month, or the as-of date for its month. */
	to: string;
}

/** The `count` months ending with the month of `asOf`, oldest first. */
export function trendMonths(asOf: string, count: number): Month[] {
	if (!Number.isInteger(count) || count < 1 || count > 60)
		throw reportError(`A trend covers 1 to 60 months, not ${String(count)}.`, 'For example 12.');
	const last = DateTime.fromISO(asOf, { zone: 'UTC' }).startOf('month');
	const out: Month[] = [];
	for (let k = count - 1; k >= 0; k--) {
		const start = last.minus({ months: k });
		const end = start.endOf('month').toISODate() as string;
		out.push({
			month: start.toFormat('yyyy-MM'),
			from: start.toISODate() as string,
			to: end > asOf ? asOf : end,
		});
	}
	return out;
}

function monthStart(month: string): string {
	return `${month}-01`;
}

function previousMonth(month: string): string {
	return DateTime.fromISO(monthStart(month), { zone: 'UTC' })
		.minus({ months: 1 })
		.toFormat('yyyy-MM');
}

/** Days of `month` counted up to `to` (the whole month, or up to the as-of date for the current month). */
function daysIn(month: string, to: string): number {
	const end = DateTime.fromISO(monthStart(month), { zone: 'UTC' })
		.endOf('month')
		.toISODate() as string;
	return daysBetween(monthStart(month), end < to ? end : to) + 1;
}

/**
 * Months back the countback method looks before it stops: when 36 months of net sales do not cover the receivables,
 * the DSO is the days of those 36 months (a floor: the receivables are older than the sales read).
 */
export const COUNTBACK_MAX_MONTHS = 36;

/**
 * Countback DSO at `date`: start from the receivables R open at the date; walk the months backwards from the
 * date's month. While R exceeds the month's net sales S, add the month's days (up to the date for the first
 * month) and subtract S from R; at the month where R ≤ S, add days × R / S and stop. A month whose net sales are
 * negative (more credited than invoiced) covers nothing and R − S grows by what it credited: the receivables are
 * then matched against that much more of the earlier months' sales, as the definition reads. Exact rational
 * arithmetic on minor units; one decimal.
 */
export function countbackDso(
	receivables: bigint,
	date: string,
	sales: (month: string) => bigint,
): number | null {
	if (receivables <= 0n) return 0;
	let remaining = receivables;
	let month = date.slice(0, 7);
	let whole = 0;
	for (let k = 0; k < COUNTBACK_MAX_MONTHS; k++, month = previousMonth(month)) {
		const days = daysIn(month, date);
		const s = sales(month);
		if (s > 0n && remaining <= s)
			return oneDecimal(whole + (ratio(remaining * BigInt(days), s, 4) ?? 0));
		whole += days;
		remaining -= s;
	}
	return oneDecimal(whole);
}

/** Simple DSO at `date`: receivables × days of the last `salesMonths` months (up to the date) / their net sales. */
export function simpleDso(
	receivables: bigint,
	date: string,
	salesMonths: number,
	sales: (month: string) => bigint,
): number | null {
	let month = date.slice(0, 7);
	let days = 0;
	let total = 0n;
	for (let k = 0; k < salesMonths; k++, month = previousMonth(month)) {
		days += daysIn(month, date);
		total += sales(month);
	}
	if (total <= 0n) return null;
	return oneDecimal(ratio(receivables * BigInt(days), total, 4));
}

export async function dso(
	ledger: Ledger,
	options: DsoOptions = {},
	cache?: OpenTotalsCache,
): Promise<DsoReport> {
	const base = baseOptions(options);
	const method: DsoMethod = options.method ?? 'countback';
	if (method !== 'countback' && method !== 'simple')
		throw reportError(`Unknown DSO method "${String(method)}".`, 'Use countback or simple.');
	const salesMonths = options.salesMonths ?? 3;
	if (!Number.isInteger(salesMonths) || salesMonths < 1 || salesMonths > 24)
		throw reportError('The simple DSO averages the sales of 1 to 24 months.', 'For example 3.');
	const months = trendMonths(base.asOf, options.months ?? 12);
	const lookBack = method === 'countback' ? COUNTBACK_MAX_MONTHS : salesMonths;
	const salesFrom = DateTime.fromISO(months[0].from, { zone: 'UTC' })
		.minus({ months: lookBack })
		.toISODate() as string;
	const book = await netSalesByMonth(ledger, base, salesFrom, base.asOf, months[0].to);
	const points: DsoPoint[] = [];
	for (const m of months) {
		const open = await openTotalsAt(ledger, base, m.to, cache, options.net === true);
		// Each point is the report as of its date: sales as they stood then.
		const sales = book.at(m.to);
		const currencies = new Set([...open.keys(), ...(sales.get(m.month)?.keys() ?? [])]);
		for (const currency of [...currencies].sort()) {
			const receivables = open.get(currency)?.open ?? 0n;
			const salesOf = (month: string) => sales.get(month)?.get(currency) ?? 0n;
			points.push({
				month: m.month,
				date: m.to,
				currency,
				receivables: amountOf(receivables, currency),
				sales: amountOf(salesOf(m.month), currency),
				dso:
					method === 'countback'
						? countbackDso(receivables, m.to, salesOf)
						: simpleDso(receivables, m.to, salesMonths, salesOf),
			});
		}
	}
	return { asOf: base.asOf, zone: base.zone, method, points };
}

/**
 * Collection effectiveness index per month: (B + S − E) / (B + S − Ec) × 100, where B is open the day before the
 * month, S the month's net sales, E open at the month's end (or the as-of date) and Ec the part of E not yet due.
 */
export async function cei(
	ledger: Ledger,
	options: TrendOptions = {},
	cache?: OpenTotalsCache,
): Promise<CeiReport> {
	const base = baseOptions(options);
	const months = trendMonths(base.asOf, options.months ?? 12);
	const book = await netSalesByMonth(ledger, base, months[0].from, base.asOf, months[0].to);
	const dayBefore = DateTime.fromISO(months[0].from, { zone: 'UTC' })
		.minus({ days: 1 })
		.toISODate() as string;
	let beginning = await openTotalsAt(ledger, base, dayBefore, cache, options.net === true);
	const points: CeiPoint[] = [];
	for (const m of months) {
		const ending = await openTotalsAt(ledger, base, m.to, cache, options.net === true);
		const sales = book.at(m.to);
		const currencies = new Set([
			...beginning.keys(),
			...ending.keys(),
			...(sales.get(m.month)?.keys() ?? []),
		]);
		for (const currency of [...currencies].sort()) {
			const b = beginning.get(currency)?.open ?? 0n;
			const s = sales.get(m.month)?.get(currency) ?? 0n;
			const e = ending.get(currency)?.open ?? 0n;
			const ec = ending.get(currency)?.current ?? 0n;
			const collectable = b + s - ec;
			points.push({
				month: m.month,
				from: m.from,
				to: m.to,
				currency,
				beginning: amountOf(b, currency),
				sales: amountOf(s, currency),
				ending: amountOf(e, currency),
				endingCurrent: amountOf(ec, currency),
				cei: collectable > 0n ? oneDecimal(ratio((b + s - e) * 100n, collectable, 4)) : null,
			});
		}
		beginning = ending;
	}
	return { asOf: base.asOf, zone: base.zone, points };
}
