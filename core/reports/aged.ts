import type { Ledger } from '../ledger';
import {
	amountOf,
	Params,
	baseOptions,
	dayOf,
	filterSql,
	openItemsCte,
	reportError,
	reportQuery,
} from './sql';
import { netParts } from './net';
import { disputedPartSql } from '../disputes/part';
import type {
	AgedBalance,
	AgedBalanceOptions,
	AgedBalanceRow,
	AgedBucket,
	AgedGroupBy,
} from './types';

export const AGED_GROUPS: AgedGroupBy[] = ['customer', 'profile', 'sales_rep', 'currency', 'none'];
export const DEFAULT_AGED_BUCKETS = [30, 60, 90];

/** Buckets from upper bounds: not due, 1–30, 31–60, 61–90, > 90 for [30, 60, 90]. */
export function agedBuckets(bounds: number[] = DEFAULT_AGED_BUCKETS): AgedBucket[] {
	if (!Array.isArray(bounds) || bounds.length === 0 || bounds.length > 12)
		throw reportError(
			'Aged balance buckets must be 1 to 12 day counts.',
			'For example [30, 60, 90].',
		);
	let previous = 0;
	for (const b of bounds) {
		if (!Number.isInteger(b) || b <= previous || b > 3650)
			throw reportError(
				`Aged balance buckets must be whole days, increasing, above 0: ${JSON.stringify(bounds)}.`,
				'For example [30, 60, 90].',
			);
		previous = b;
	}
	const out: AgedBucket[] = [{ key: 'not_due', fromDays: null, toDays: 0 }];
	let from = 1;
	for (const b of bounds) {
		out.push({ key: `${from}-${b}`, fromDays: from, toDays: b });
		from = b + 1;
	}
	out.push({ key: `>${bounds[bounds.length - 1]}`, fromDays: from, toDays: null });
	return out;
}

const KEYS: Record<AgedGroupBy, { key: string; label: string }> = {
	customer: { key: 'c.external_id', label: 'c.name' },
	profile: { key: "coalesce(c.profile, '')", label: 'NULL::text' },
	sales_rep: {
		key: "coalesce(c.sales_rep_code, '')",
		label: '(SELECT s.name FROM staff s WHERE s.code = c.sales_rep_code)',
	},
	currency: { key: 'o.currency', label: 'NULL::text' },
	none: { key: "'all'", label: 'NULL::text' },
};

/**
 * Aged balance at a date. Days overdue = as-of date − due date; an invoice is in bucket 0 (not due) when ≤ 0,
 * otherwise in the first bucket whose upper bound it does not exceed, or the last one. Disputed: the part of the
 * open amount held by disputes opened on or before the date and not resolved by then — all of it for a dispute of
 * the whole invoice, the disputed part for a dispute of some lines (core/disputes/part.ts). Promised: the undisputed
 * rest of invoices under a promise made on or before the date and not settled by then (a promise without invoice
 * covers the customer's invoices in its currency). The SQL aggregates by group, currency and bucket with the per-currency totals as a
 * grouping set: the figures are computed once, in the database.
 */
export const AGED_BALANCE_SQL = (
	key: string,
	label: string,
	date: string,
	zone: string,
	bounds: string,
	where: string,
): string => {
	const pending = `${dayOf('pr.created_at', zone)} <= ${date}::date
					AND ((pr.settled_at IS NULL AND pr.status = 'pending') OR ${dayOf('pr.settled_at', zone)} > ${date}::date)`;
	return `WITH ${openItemsCte(date, where)},
	flagged AS (
		SELECT o.id, o.customer_id, o.due_date, o.currency, o.open, ${key} AS key, ${label} AS label,
			CASE WHEN ${date}::date - o.due_date <= 0 THEN 0 ELSE width_bucket(${date}::date - o.due_date - 1, ${bounds}::int[]) + 1 END AS bucket,
			-- the disputed part: the whole open amount, or the part of a dispute of some lines (core/disputes/part.ts)
			${disputedPartSql(
				'o.id',
				'o.open',
				`${dayOf('d.opened_at', zone)} <= ${date}::date
					AND (d.resolved_at IS NULL OR ${dayOf('d.resolved_at', zone)} > ${date}::date)`,
			)} AS disputed_amount,
			EXISTS (SELECT 1 FROM promises pr
				WHERE (pr.invoice_id = o.id OR (pr.invoice_id IS NULL AND pr.customer_id = o.customer_id AND (pr.currency IS NULL OR pr.currency = o.currency)))
					AND ${pending}) AS promised,
			-- The amounts promised: on the invoice (a promise without amount promises all it owes), capped at what it owes...
			(SELECT CASE WHEN count(*) > 0 THEN LEAST(o.open, sum(coalesce(pr.amount_minor, o.open))) END FROM promises pr WHERE pr.invoice_id = o.id AND ${pending}) AS invoice_promised,
			-- ...and for the customer's account (no invoice named): spread over its invoices oldest due first.
			(SELECT CASE WHEN bool_or(pr.amount_minor IS NULL) THEN -1 ELSE sum(pr.amount_minor) END FROM promises pr
				WHERE pr.invoice_id IS NULL AND pr.customer_id = o.customer_id AND (pr.currency IS NULL OR pr.currency = o.currency) AND ${pending}) AS account_promised
		FROM open_items o JOIN customers c ON c.id = o.customer_id
		WHERE o.open > 0
	),
	spread AS (
		SELECT f.*, f.open - f.disputed_amount AS undisputed, coalesce(sum(CASE WHEN f.invoice_promised IS NULL THEN f.open - f.disputed_amount ELSE 0 END)
			OVER (PARTITION BY f.customer_id, f.currency ORDER BY f.due_date, f.id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
		FROM flagged f
	),
	amounts AS (
		SELECT s.*, CASE WHEN s.undisputed <= 0 THEN 0
			WHEN s.invoice_promised IS NOT NULL THEN LEAST(s.undisputed, s.invoice_promised)
			WHEN s.account_promised = -1 THEN s.undisputed
			WHEN s.account_promised IS NOT NULL THEN LEAST(s.undisputed, GREATEST(0, s.account_promised - s.before))
			ELSE 0 END AS promised_amount
		FROM spread s
	)
	SELECT key, max(label) AS label, currency, bucket, count(*)::int AS invoices, sum(open)::text AS open,
		sum(disputed_amount)::text AS disputed,
		coalesce(sum(undisputed) FILTER (WHERE promised), 0)::text AS promised,
		sum(promised_amount)::text AS promised_amount,
		GROUPING(key) AS is_total
	FROM amounts GROUP BY GROUPING SETS ((key, currency, bucket), (currency, bucket))`;
};

interface AgedDbRow {
	key: string | null;
	label: string | null;
	currency: string;
	bucket: number;
	invoices: number;
	open: string;
	disputed: string;
	promised: string;
	promised_amount: string;
	is_total: number;
}

export async function agedBalance(
	ledger: Ledger,
	options: AgedBalanceOptions = {},
): Promise<AgedBalance> {
	const base = baseOptions(options);
	const groupBy = options.groupBy ?? 'customer';
	if (!AGED_GROUPS.includes(groupBy))
		throw reportError(
			`The aged balance cannot be grouped by "${String(groupBy)}".`,
			`Group by one of ${AGED_GROUPS.join(', ')}.`,
		);
	const buckets = agedBuckets(options.buckets ?? DEFAULT_AGED_BUCKETS);
	const p = new Params();
	const date = p.add(base.asOf);
	const zone = p.add(base.zone);
	const bounds = p.add(buckets.slice(1, -1).map((b) => b.toDays));
	const where = filterSql(base, p, 'i.currency');
	const promisedAs = options.promised ?? 'open';
	if (promisedAs !== 'open' && promisedAs !== 'promised')
		throw reportError(
			`"promised" is 'open' or 'promised', not "${String(promisedAs)}".`,
			"'open': the open amount of promised invoices; 'promised': the amount promised.",
		);
	const rows = await reportQuery<AgedDbRow>(
		ledger,
		AGED_BALANCE_SQL(KEYS[groupBy].key, KEYS[groupBy].label, date, zone, bounds, where),
		p.values,
	);

	type Acc = {
		key: string;
		label: string | null;
		currency: string;
		invoices: number;
		buckets: bigint[];
		disputed: bigint;
		promised: bigint;
	};
	const groups = new Map<string, Acc>();
	const totals = new Map<string, Acc>();
	for (const r of rows) {
		const target = r.is_total ? totals : groups;
		const key = r.is_total ? r.currency : (r.key ?? '');
		const id = `${r.currency}\u0000${key}`;
		let acc = target.get(id);
		if (!acc) {
			acc = {
				key,
				label: r.is_total ? null : r.label,
				currency: r.currency,
				invoices: 0,
				buckets: buckets.map(() => 0n),
				disputed: 0n,
				promised: 0n,
			};
			target.set(id, acc);
		}
		acc.invoices += r.invoices;
		acc.buckets[r.bucket] += BigInt(r.open);
		acc.disputed += BigInt(r.disputed);
		acc.promised += BigInt(promisedAs === 'promised' ? r.promised_amount : r.promised);
	}
	const credits = new Map<string, { creditNotes: bigint; cash: bigint }>();
	if (options.net) {
		// Credits per group: every group with credits gets a row, with zero buckets when it has no open invoice.
		for (const x of await netParts(
			ledger,
			base,
			base.asOf,
			KEYS[groupBy].key,
			KEYS[groupBy].label,
		)) {
			if (x.creditNotes === 0n && x.cash === 0n) continue;
			const id = `${x.currency}\u0000${x.key}`;
			credits.set(id, { creditNotes: x.creditNotes, cash: x.cash });
			if (!groups.has(id))
				groups.set(id, {
					key: x.key,
					label: x.label,
					currency: x.currency,
					invoices: 0,
					buckets: buckets.map(() => 0n),
					disputed: 0n,
					promised: 0n,
				});
			const total = credits.get(x.currency) ?? { creditNotes: 0n, cash: 0n };
			credits.set(x.currency, {
				creditNotes: total.creditNotes + x.creditNotes,
				cash: total.cash + x.cash,
			});
			if (!totals.has(`${x.currency}\u0000${x.currency}`))
				totals.set(`${x.currency}\u0000${x.currency}`, {
					key: x.currency,
					label: null,
					currency: x.currency,
					invoices: 0,
					buckets: buckets.map(() => 0n),
					disputed: 0n,
					promised: 0n,
				});
		}
	}
	const toRow = (a: Acc, credit?: { creditNotes: bigint; cash: bigint }): AgedBalanceRow => {
		const open = a.buckets.reduce((s, v) => s + v, 0n);
		const net = options.net
			? {
					creditNotes: amountOf(credit?.creditNotes ?? 0n, a.currency),
					unappliedCash: amountOf(credit?.cash ?? 0n, a.currency),
					net: amountOf(open - (credit?.creditNotes ?? 0n) - (credit?.cash ?? 0n), a.currency),
				}
			: {};
		return {
			key: a.key,
			label: a.label,
			currency: a.currency,
			invoices: a.invoices,
			open: amountOf(open, a.currency),
			buckets: a.buckets.map((v) => amountOf(v, a.currency)),
			overdue: amountOf(open - a.buckets[0], a.currency),
			disputed: amountOf(a.disputed, a.currency),
			promised: amountOf(a.promised, a.currency),
			...net,
		};
	};
	const order = (x: AgedBalanceRow, y: AgedBalanceRow) =>
		x.currency.localeCompare(y.currency) ||
		(BigInt(y.open.minor) > BigInt(x.open.minor)
			? 1
			: BigInt(y.open.minor) < BigInt(x.open.minor)
				? -1
				: x.key.localeCompare(y.key));
	return {
		asOf: base.asOf,
		zone: base.zone,
		groupBy,
		buckets,
		rows: [...groups.values()]
			.map((a) => toRow(a, credits.get(`${a.currency}\u0000${a.key}`)))
			.sort(order),
		totals: [...totals.values()].map((a) => toRow(a, credits.get(a.currency))).sort(order),
	};
}
