import { ReceivablesError } from '../errors';
import type { QueryResultRow } from 'pg';
import type { Ledger } from '../ledger';
import { assertCurrency, formatAmount } from '../money';
import { DEFAULT_ZONE, parseCalendarDate, todayIn } from '../time';
import { scopeSql } from '../tracking/portal';
import type { ReportAmount, ReportBaseOptions, ReportScope } from './types';

/** Positional parameters of one query. */
export class Params {
	readonly values: unknown[] = [];
	add(value: unknown): string {
		this.values.push(value);
		return `$${this.values.length}`;
	}
}

export function reportError(message: string, hint: string): ReceivablesError {
	return new ReceivablesError('REPORT_OPTIONS_INVALID', message, { hint });
}

export function reportDate(value: string | undefined, name: string, zone: string): string | null {
	if (value === undefined || value === null || value === '') return null;
	const date = parseCalendarDate(value, zone);
	if (!date)
		throw reportError(
			`The ${name} date "${String(value)}" is not a calendar date / La date ${name} « ${String(value)} » n'est pas une date.`,
			'Give dates as YYYY-MM-DD.',
		);
	return date;
}

export interface Base {
	asOf: string;
	zone: string;
	scope: ReportScope | null;
	currency: string | null;
}

/** Checks the options every report shares. */
export function baseOptions(options: ReportBaseOptions): Base {
	const zone = options.zone || DEFAULT_ZONE;
	if (!isZone(zone))
		throw reportError(
			`Unknown time zone "${zone}".`,
			'Use an IANA zone such as Europe/Paris or Africa/Casablanca.',
		);
	const asOf = reportDate(options.asOf, 'as-of', zone) ?? todayIn(zone);
	let scope: ReportScope | null = null;
	if (options.scope) {
		const level = options.scope.level;
		if (![1, 2, 3].includes(level))
			throw reportError(
				`Accreditation level must be 1, 2 or 3, not ${String(level)}.`,
				'1 everything, 2 a sales rep, 3 a group head.',
			);
		if (level !== 1 && !options.scope.staffCode)
			throw reportError(
				'Levels 2 and 3 need the staff code of the sales rep or group head.',
				'Set scope.staffCode.',
			);
		scope = { level, staffCode: options.scope.staffCode ?? null };
	}
	let currency: string | null = null;
	if (options.currency) {
		try {
			currency = assertCurrency(String(options.currency).trim().toUpperCase());
		} catch {
			throw reportError(
				`"${options.currency}" is not a currency code.`,
				'Use an ISO 4217 code such as EUR, MAD or XOF.',
			);
		}
	}
	return { asOf, zone, scope, currency };
}

function isZone(zone: string): boolean {
	try {
		new Intl.DateTimeFormat('en', { timeZone: zone });
		return true;
	} catch {
		return false;
	}
}

/**
 * Conditions on customers `c` (the tracking portal's scope predicate) and, when `currencyColumn` is given, on a
 * currency column. Joined with AND; 'true' when nothing filters.
 */
export function filterSql(base: Base, p: Params, currencyColumn?: string): string {
	const where: string[] = [];
	if (base.scope) where.push(scopeSql(base.scope, p.values));
	if (base.currency && currencyColumn) where.push(`${currencyColumn} = ${p.add(base.currency)}`);
	return where.length ? where.join(' AND ') : 'true';
}

/**
 * The content of document `id` (invoices or credit notes) in force at `date`: the first content kept by a revision
 * superseded after the date (invoice_revisions), else the current row. A lateral lookup by key: empty and cheap for
 * documents never revised.
 */
export function versionAt(id: string, date: string): string {
	return `LEFT JOIN LATERAL (SELECT r.customer_id, r.currency, r.payable_minor, r.issue_date, r.due_date FROM invoice_revisions r
		WHERE r.invoice_id = ${id} AND r.superseded_on > ${date}::date ORDER BY r.superseded_on, r.revision LIMIT 1) v ON true`;
}

/**
 * Invoices open at a date, honouring history: `open_items(id, customer_id, currency, issue_date, due_date, open)`.
 * Open at D = payable − allocations effective on or before D − small differences written off by D − credit notes in
 * effect on or before D (issued by D and, when linked later, linked by D), for invoices issued on or before D and not cancelled, each document as it
 * stood at D (a revision recorded after D does not count: see versionAt). Candidates are the invoices open now, plus
 * those with an allocation effective after D, a credit note issued or linked after D, or a revision after D (they
 * may have been open at D, or differently): every part is index-driven, so the cost follows the open invoices, not
 * the ledger's history (both steps are materialised so that the balances are computed for the candidates only).
 * `where` filters customers `c` and invoices `i` (as they stood at D). `credited`: also the invoices credited beyond
 * what they owed (open < 0 now, by a credit note issued by D: a credit the customer holds), so that net receivables
 * find them once settled (the other reports count open > 0 only). Facts only add up, so an invoice below zero at D is
 * below zero now, unless revised after D (a candidate already).
 */
export function openItemsCte(
	date: string,
	where: string,
	options: { credited?: boolean } = {},
): string {
	const credited = options.credited
		? `
		UNION
		SELECT cn.credited_invoice_id FROM invoices cn JOIN invoices t ON t.id = cn.credited_invoice_id
		WHERE cn.doc_type = 'credit_note' AND cn.credited_invoice_id IS NOT NULL AND cn.issue_date <= ${date}::date AND t.open_minor < 0`
		: '';
	return `cand AS MATERIALIZED (
		SELECT i.id FROM invoices i WHERE i.status = 'open' AND i.doc_type = 'invoice' AND i.issue_date <= ${date}::date
		UNION
		SELECT a.invoice_id FROM allocations a WHERE a.applied_on > ${date}::date AND a.invoice_issued_on <= ${date}::date
		UNION
		SELECT w.invoice_id FROM write_offs w WHERE w.effective_on > ${date}::date
		UNION
		SELECT cn.credited_invoice_id FROM invoices cn
		WHERE cn.doc_type = 'credit_note' AND cn.credited_invoice_id IS NOT NULL AND cn.issue_date > ${date}::date
		UNION
		SELECT cn.credited_invoice_id FROM invoices cn
		WHERE cn.doc_type = 'credit_note' AND cn.credited_on IS NOT NULL AND cn.credited_on > ${date}::date
		UNION
		SELECT coalesce(d.credited_invoice_id, d.id) FROM invoice_revisions r JOIN invoices d ON d.id = r.invoice_id WHERE r.superseded_on > ${date}::date${credited}
	),
	open_items AS MATERIALIZED (
		SELECT x.* FROM cand CROSS JOIN LATERAL (
			SELECT i.id, i.customer_id, i.currency::text AS currency, i.issue_date, i.due_date,
				i.payable_minor
					- coalesce((SELECT sum(a.amount_minor) FROM allocations a WHERE a.invoice_id = i.id AND a.applied_on <= ${date}::date), 0)
					- coalesce((SELECT sum(w.amount_minor) FROM write_offs w WHERE w.invoice_id = i.id AND w.effective_on <= ${date}::date), 0)
					- coalesce((SELECT sum(coalesce(v.payable_minor, cn.payable_minor)) FROM invoices cn ${versionAt('cn.id', date)}
						WHERE cn.credited_invoice_id = i.id AND cn.doc_type = 'credit_note' AND coalesce(v.issue_date, cn.issue_date) <= ${date}::date
							AND (cn.credited_on IS NULL OR cn.credited_on <= ${date}::date)), 0) AS open
			FROM (
				SELECT i0.id, i0.doc_type, i0.status, coalesce(v.customer_id, i0.customer_id) AS customer_id, coalesce(v.currency, i0.currency) AS currency,
					coalesce(v.issue_date, i0.issue_date) AS issue_date, coalesce(v.due_date, i0.due_date) AS due_date,
					coalesce(v.payable_minor, i0.payable_minor) AS payable_minor
				FROM invoices i0 ${versionAt('i0.id', date)} WHERE i0.id = cand.id
			) i JOIN customers c ON c.id = i.customer_id
			WHERE i.doc_type = 'invoice' AND i.status <> 'cancelled' AND i.issue_date <= ${date}::date AND (${where})
			-- OFFSET 0 keeps this a lookup by key per candidate (the planner would otherwise scan every invoice).
			OFFSET 0
		) x
	)`;
}

/**
 * The date each invoice of the query `ids` (one column of invoice ids) was settled (its balance reached zero
 * through allocations, write-offs and credit notes), or null when it is still open at `asOf`; facts after `asOf` are ignored,
 * and each document is read as it stood at `asOf`. `settled(invoice_id, settled_on)`.
 */
export function settledCte(ids: string, asOf: string): string {
	return `settle_events AS (
		SELECT a.invoice_id, a.applied_on AS on_date, a.amount_minor AS amount FROM allocations a
		WHERE a.invoice_id IN (${ids}) AND a.applied_on <= ${asOf}::date
		UNION ALL
		SELECT w.invoice_id, w.effective_on, w.amount_minor FROM write_offs w
		WHERE w.invoice_id IN (${ids}) AND w.effective_on <= ${asOf}::date
		UNION ALL
		SELECT cn.credited_invoice_id, GREATEST(coalesce(v.issue_date, cn.issue_date), cn.credited_on), coalesce(v.payable_minor, cn.payable_minor)
		FROM invoices cn ${versionAt('cn.id', asOf)}
		WHERE cn.doc_type = 'credit_note' AND cn.credited_invoice_id IN (${ids}) AND coalesce(v.issue_date, cn.issue_date) <= ${asOf}::date
			AND (cn.credited_on IS NULL OR cn.credited_on <= ${asOf}::date)
	),
	settle_running AS (
		SELECT e.invoice_id, e.on_date, coalesce(v.payable_minor, i.payable_minor) - sum(e.amount) OVER (PARTITION BY e.invoice_id ORDER BY e.on_date) AS remaining
		FROM settle_events e JOIN invoices i ON i.id = e.invoice_id ${versionAt('i.id', asOf)}
	),
	settled AS (
		SELECT invoice_id, min(on_date) AS settled_on FROM settle_running WHERE remaining <= 0 GROUP BY invoice_id
	)`;
}

/** `instant` (timestamptz) as a calendar date in the zone parameter. */
export function dayOf(instant: string, zoneParam: string): string {
	return `(${instant} AT TIME ZONE ${zoneParam})::date`;
}

export function amountOf(minor: bigint | string, currency: string): ReportAmount {
	const value = typeof minor === 'bigint' ? minor : BigInt(minor);
	return { currency, minor: value.toString(), amount: formatAmount(value, currency) };
}

/** One decimal, or null. */
export function oneDecimal(value: number | null): number | null {
	return value === null || !Number.isFinite(value) ? null : Math.round(value * 10) / 10;
}

/** num/den as a number with `decimals` decimals, computed on bigints; null when den is 0. */
export function ratio(num: bigint, den: bigint, decimals: number): number | null {
	if (den === 0n) return null;
	const scale = 10n ** BigInt(decimals);
	const neg = num < 0n !== den < 0n;
	const n = num < 0n ? -num : num;
	const d = den < 0n ? -den : den;
	const q = (n * scale * 2n + d) / (2n * d);
	return Number(neg ? -q : q) / Number(scale);
}

/**
 * Runs one report query with JIT compilation off. Report queries are index-driven lookups per open invoice whose
 * estimated cost (a sub-query per invoice) crosses Postgres's JIT threshold, and compiling them costs more (about
 * half a second) than running them.
 */
export async function reportQuery<R extends QueryResultRow>(
	ledger: Ledger,
	text: string,
	values: unknown[],
): Promise<R[]> {
	return await ledger.transaction(async (client) => {
		await client.query('SET LOCAL jit = off');
		return (await client.query<R>(text, values)).rows;
	});
}
