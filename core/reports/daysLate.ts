import { DateTime } from 'luxon';
import type { Ledger } from '../ledger';
import {
	amountOf,
	Params,
	baseOptions,
	filterSql,
	ratio,
	reportDate,
	reportError,
	reportQuery,
	versionAt,
} from './sql';
import type { DaysLateOptions, DaysLateReport } from './types';

/**
 * Average days late per customer and currency over the allocations effective in [from, to], weighted by the
 * amount allocated: Σ amount × max(0, allocation date − due date) / Σ amount, with the due date the invoice had on
 * the allocation date. Credit notes are not payments and do not count.
 */
export const DAYS_LATE_SQL = (
	from: string,
	to: string,
	where: string,
): string => `SELECT c.external_id AS customer, c.name AS customer_name,
		i.currency::text AS currency, count(DISTINCT i.id)::int AS invoices, sum(a.amount_minor)::text AS paid,
		sum(a.amount_minor * greatest(0, a.applied_on - i.due_date))::text AS late_weighted,
		sum(a.amount_minor * (a.applied_on - i.issue_date))::text AS to_pay_weighted,
		coalesce(sum(a.amount_minor) FILTER (WHERE a.applied_on > i.due_date), 0)::text AS late_paid
	FROM allocations a JOIN invoices i0 ON i0.id = a.invoice_id ${versionAt('i0.id', 'a.applied_on')}
	-- each invoice as it stood the day the allocation took effect (a later revision of its due date changes nothing)
	CROSS JOIN LATERAL (SELECT i0.id, i0.doc_type, coalesce(v.customer_id, i0.customer_id) AS customer_id, coalesce(v.currency, i0.currency) AS currency,
		coalesce(v.issue_date, i0.issue_date) AS issue_date, coalesce(v.due_date, i0.due_date) AS due_date) i
	JOIN customers c ON c.id = i.customer_id
	WHERE a.applied_on BETWEEN ${from}::date AND ${to}::date AND i.doc_type = 'invoice' AND (${where})
	GROUP BY c.external_id, c.name, i.currency`;

export async function daysLate(
	ledger: Ledger,
	options: DaysLateOptions = {},
): Promise<DaysLateReport> {
	const base = baseOptions(options);
	const to = reportDate(options.to, 'to', base.zone) ?? base.asOf;
	const from =
		reportDate(options.from, 'from', base.zone) ??
		(DateTime.fromISO(to, { zone: 'UTC' })
			.minus({ months: 12 })
			.plus({ days: 1 })
			.toISODate() as string);
	if (from > to)
		throw reportError(`The period starts (${from}) after it ends (${to}).`, 'Swap the dates.');
	const p = new Params();
	const f = p.add(from);
	const t = p.add(to < base.asOf ? to : base.asOf);
	const rows = await reportQuery<{
		customer: string;
		customer_name: string;
		currency: string;
		invoices: number;
		paid: string;
		late_weighted: string;
		to_pay_weighted: string;
		late_paid: string;
	}>(ledger, DAYS_LATE_SQL(f, t, filterSql(base, p, 'i.currency')), p.values);
	return {
		from,
		to,
		zone: base.zone,
		weighting: 'amount',
		rows: rows
			.map((r) => {
				const paid = BigInt(r.paid);
				return {
					customer: r.customer,
					customerName: r.customer_name,
					currency: r.currency,
					invoices: r.invoices,
					paid: amountOf(paid, r.currency),
					averageDaysLate: ratio(BigInt(r.late_weighted), paid, 1) ?? 0,
					averageDaysToPay: ratio(BigInt(r.to_pay_weighted), paid, 1) ?? 0,
					lateShare: ratio(BigInt(r.late_paid), paid, 3) ?? 0,
				};
			})
			.sort(
				(a, b) =>
					b.averageDaysLate - a.averageDaysLate ||
					a.customer.localeCompare(b.customer) ||
					a.currency.localeCompare(b.currency),
			),
	};
}
