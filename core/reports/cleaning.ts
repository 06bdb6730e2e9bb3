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
import type {
	BalanceCleaning,
	BalanceCleaningOptions,
	CleaningItem,
	CleaningSection,
} from './types';

/** Customer holds whose reason names insolvency or a doubtful debt make every open invoice of the customer doubtful. */
export const DOUBTFUL_HOLD_PATTERN =
	'(douteu|doubtful|insolv|liquidation|redressement|sauvegarde|collective|faillite|bankrupt|contentieux)';

/** Filters (scope on customers `c`, currency) of each part of the query. */
export interface CleaningFilters {
	invoices: string;
	customers: string;
	promises: string;
	disputes: string;
	payments: string;
}

interface ItemRow {
	section: CleaningSection['key'];
	customer: string;
	customer_name: string;
	sales_rep: string | null;
	number: string | null;
	currency: string | null;
	amount: string | null;
	due_date: string | null;
	days_overdue: number | null;
	date: string | null;
	detail: string | null;
	ref: string | null;
}

/**
 * Balance cleaning at a date, one section each (seed 001: promises, delay requests, disputes, doubtful debts,
 * unapplied or misapplied payments), every one as it stood at the date:
 * - promises made on or before the date and not settled by then;
 * - delay requests: holds created on or before the date, not released by then and not expired (until ≥ date);
 *   customer holds naming insolvency count as doubtful instead;
 * - disputes opened on or before the date and not resolved by then;
 * - doubtful: invoices open at the date and overdue by more than N days, or of a customer under a doubtful hold;
 * - payments received on or before the date with a part not allocated by then, split into ambiguous (several
 *   possible invoices, flagged by the allocation) and unapplied, each with the status, customer and flag it had at
 *   the date (payment_states).
 */
export const BALANCE_CLEANING_SQL = (
	date: string,
	zone: string,
	doubtful: string,
	where: CleaningFilters,
): string => `WITH ${openItemsCte(date, where.invoices)},
	active_holds AS (
		SELECT h.* FROM holds h JOIN customers c ON c.id = h.customer_id
		WHERE ${dayOf('h.created_at', zone)} <= ${date}::date AND (h.released_at IS NULL OR ${dayOf('h.released_at', zone)} > ${date}::date)
			AND (h.until IS NULL OR h.until >= ${date}::date) AND (${where.customers})
	),
	-- Payments with a part unallocated at the date: those not fully applied now, and those with an allocation
	-- effective after the date (both found by index, not by reading every payment).
	pay_cand AS MATERIALIZED (
		SELECT p.id FROM payments p WHERE p.status <> 'applied' AND p.received_on <= ${date}::date
		UNION
		SELECT a.payment_id FROM allocations a WHERE a.applied_on > ${date}::date
	),
	items AS (
		SELECT 'promises' AS section, c.external_id AS customer, c.name AS customer_name, c.sales_rep_code AS sales_rep, i.number,
			coalesce(pr.currency, i.currency)::text AS currency,
			-- the amount promised; a promise without amount promises what its invoice owed at the date
			coalesce(pr.amount_minor, (SELECT po.open FROM open_items po WHERE po.id = pr.invoice_id))::text AS amount, i.due_date::text AS due_date,
			CASE WHEN i.due_date IS NULL THEN NULL ELSE ${date}::date - i.due_date END AS days_overdue,
			pr.promised_on::text AS date, pr.source AS detail, pr.id::text AS ref
		FROM promises pr JOIN customers c ON c.id = pr.customer_id LEFT JOIN invoices i ON i.id = pr.invoice_id
		WHERE ${dayOf('pr.created_at', zone)} <= ${date}::date
			AND ((pr.settled_at IS NULL AND pr.status = 'pending') OR ${dayOf('pr.settled_at', zone)} > ${date}::date) AND (${where.promises})
		UNION ALL
		SELECT CASE WHEN h.invoice_id IS NULL AND h.reason ~* '${DOUBTFUL_HOLD_PATTERN}' THEN 'doubtful_hold' ELSE 'delay_requests' END, c.external_id, c.name, c.sales_rep_code, i.number,
			i.currency::text, o.open::text, i.due_date::text, CASE WHEN i.due_date IS NULL THEN NULL ELSE ${date}::date - i.due_date END,
			h.until::text, h.reason, h.id::text
		FROM active_holds h JOIN customers c ON c.id = h.customer_id LEFT JOIN invoices i ON i.id = h.invoice_id LEFT JOIN open_items o ON o.id = h.invoice_id
		UNION ALL
		SELECT 'disputes', c.external_id, c.name, c.sales_rep_code,
			(SELECT string_agg(i.number, ', ' ORDER BY i.number) FROM dispute_invoices di JOIN invoices i ON i.id = di.invoice_id WHERE di.dispute_id = d.id),
			d.currency::text, d.amount_minor::text, NULL, NULL, d.due_on::text, d.category || coalesce('/' || d.subcategory, ''), d.id::text
		FROM disputes d JOIN customers c ON c.id = d.customer_id
		WHERE ${dayOf('d.opened_at', zone)} <= ${date}::date AND (d.resolved_at IS NULL OR ${dayOf('d.resolved_at', zone)} > ${date}::date)
			AND (${where.disputes})
		UNION ALL
		SELECT 'doubtful', c.external_id, c.name, c.sales_rep_code, i.number, o.currency, o.open::text, o.due_date::text, ${date}::date - o.due_date,
			NULL, CASE WHEN ${date}::date - o.due_date > ${doubtful}::int THEN 'overdue' ELSE 'customer_hold' END, i.id::text
		FROM open_items o JOIN invoices i ON i.id = o.id JOIN customers c ON c.id = o.customer_id
		WHERE o.open > 0 AND (${date}::date - o.due_date > ${doubtful}::int
			OR EXISTS (SELECT 1 FROM active_holds h WHERE h.customer_id = o.customer_id AND h.invoice_id IS NULL AND h.reason ~* '${DOUBTFUL_HOLD_PATTERN}'))
		UNION ALL
		SELECT CASE WHEN coalesce(st.status, p.status) = 'ambiguous' THEN 'ambiguous_payments' ELSE 'unapplied_payments' END, coalesce(c.external_id, ''), coalesce(c.name, p.payer_name, ''),
			c.sales_rep_code, NULL, p.currency::text,
			(p.amount_minor - coalesce((SELECT sum(a.amount_minor) FROM allocations a WHERE a.payment_id = p.id AND a.applied_on <= ${date}::date), 0))::text,
			NULL, NULL, p.received_on::text, coalesce(CASE WHEN st.found THEN st.flag_reason ELSE p.flag_reason END, p.reference_text), p.id::text
		FROM pay_cand JOIN payments p ON p.id = pay_cand.id
		-- The payment's status, customer and flag as they were at the date (payment_states), not today's.
		LEFT JOIN LATERAL (SELECT true AS found, s.status, s.customer_id, s.flag_reason FROM payment_states s
			WHERE s.payment_id = p.id AND s.effective_on <= ${date}::date ORDER BY s.effective_on DESC, s.id DESC LIMIT 1) st ON true
		LEFT JOIN customers c ON c.id = CASE WHEN st.found THEN st.customer_id ELSE p.customer_id END
		WHERE p.received_on <= ${date}::date
			AND p.amount_minor > coalesce((SELECT sum(a.amount_minor) FROM allocations a WHERE a.payment_id = p.id AND a.applied_on <= ${date}::date), 0)
			AND (${where.payments})
	)
	SELECT * FROM items`;

const SECTIONS: Array<CleaningSection['key']> = [
	'promises',
	'delay_requests',
	'disputes',
	'doubtful',
	'unapplied_payments',
	'ambiguous_payments',
];

export async function balanceCleaning(
	ledger: Ledger,
	options: BalanceCleaningOptions = {},
): Promise<BalanceCleaning> {
	const base = baseOptions(options);
	const doubtfulAfter = options.doubtfulAfterDays ?? 180;
	if (!Number.isInteger(doubtfulAfter) || doubtfulAfter < 0)
		throw reportError('doubtfulAfterDays is a whole number of days.', 'For example 180.');
	const limit = Math.max(1, Math.min(options.limit ?? 500, 10000));
	const p = new Params();
	const date = p.add(base.asOf);
	const zone = p.add(base.zone);
	const doubtful = p.add(doubtfulAfter);
	const where: CleaningFilters = {
		invoices: filterSql(base, p, 'i.currency'),
		customers: filterSql(base, p),
		promises: filterSql(base, p, 'coalesce(pr.currency, i.currency)'),
		disputes: filterSql(base, p, 'd.currency'),
		payments: filterSql(base, p, 'p.currency'),
	};
	const rows = await reportQuery<ItemRow>(
		ledger,
		BALANCE_CLEANING_SQL(date, zone, doubtful, where),
		p.values,
	);
	const sections = new Map<
		CleaningSection['key'],
		{ count: number; totals: Map<string, bigint>; items: CleaningItem[] }
	>(SECTIONS.map((k) => [k, { count: 0, totals: new Map(), items: [] }]));
	for (const r of rows) {
		if ((r.section as string) === 'doubtful_hold') continue; // listed through its invoices in "doubtful"
		const s = sections.get(r.section)!;
		s.count++;
		if (r.amount !== null && r.currency)
			s.totals.set(r.currency, (s.totals.get(r.currency) ?? 0n) + BigInt(r.amount));
		s.items.push({
			customer: r.customer,
			customerName: r.customer_name,
			salesRep: r.sales_rep,
			invoiceNumber: r.number,
			amount: r.amount !== null && r.currency ? amountOf(r.amount, r.currency) : null,
			dueDate: r.due_date,
			daysOverdue: r.days_overdue,
			date: r.date,
			detail: r.detail,
			ref: r.ref,
		});
	}
	return {
		asOf: base.asOf,
		zone: base.zone,
		sections: SECTIONS.map((key) => {
			const s = sections.get(key)!;
			const items = s.items.sort(
				(a, b) =>
					(b.daysOverdue ?? -1e9) - (a.daysOverdue ?? -1e9) ||
					a.customer.localeCompare(b.customer) ||
					String(a.ref).localeCompare(String(b.ref)),
			);
			return {
				key,
				count: s.count,
				totals: [...s.totals]
					.sort(([a], [b]) => a.localeCompare(b))
					.map(([currency, minor]) => amountOf(minor, currency)),
				items: items.slice(0, limit),
			};
		}),
	};
}
