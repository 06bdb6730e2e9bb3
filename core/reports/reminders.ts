import type { Ledger } from '../ledger';
import { addDays } from '../time';
import {
	Params,
	baseOptions,
	dayOf,
	filterSql,
	ratio,
	reportDate,
	reportError,
	reportQuery,
	settledCte,
} from './sql';
import type { ReminderResults, ReminderResultsOptions } from './types';

/**
 * Reminders in [from, to] by day (of sending, or of the claim when never sent), stage and channel. "Sent" counts
 * what left (status sent or bounced), "bounced" what came back, "failed" what could not be sent.
 */
export const REMINDER_VOLUMES_SQL = (
	from: string,
	to: string,
	zone: string,
	where: string,
): string => `SELECT
		${dayOf('coalesce(r.sent_at, r.claimed_at)', zone)}::text AS day, r.stage, r.channel,
		count(*) FILTER (WHERE r.status IN ('sent', 'bounced'))::int AS sent,
		count(*) FILTER (WHERE r.status = 'bounced')::int AS bounced,
		count(*) FILTER (WHERE r.status = 'failed')::int AS failed
	FROM reminders r JOIN customers c ON c.id = r.customer_id JOIN invoices i ON i.id = r.invoice_id
	WHERE coalesce(r.sent_at, r.claimed_at) >= (${from}::date::timestamp AT TIME ZONE ${zone})
		AND coalesce(r.sent_at, r.claimed_at) < ((${to}::date + 1)::timestamp AT TIME ZONE ${zone}) AND (${where})
	GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;

/**
 * Per stage: reminders sent in [from, to], bounced, and those whose invoice was settled (balance at zero through
 * allocations and credit notes, as of the as-of date) within N days after the sending day, for each N.
 */
export const REMINDER_STAGES_SQL = (
	from: string,
	to: string,
	zone: string,
	asOf: string,
	within: string,
	where: string,
): string => `WITH sent AS (
		SELECT r.invoice_id, r.stage, r.status, ${dayOf('r.sent_at', zone)} AS sent_on
		FROM reminders r JOIN customers c ON c.id = r.customer_id JOIN invoices i ON i.id = r.invoice_id
		WHERE r.status IN ('sent', 'bounced') AND r.sent_at >= (${from}::date::timestamp AT TIME ZONE ${zone})
			AND r.sent_at < ((${to}::date + 1)::timestamp AT TIME ZONE ${zone}) AND (${where})
	),
	${settledCte('SELECT invoice_id FROM sent', asOf)}
	SELECT s.stage, count(*)::int AS sent, count(*) FILTER (WHERE s.status = 'bounced')::int AS bounced,
		(SELECT array_agg((SELECT count(*) FROM sent s2 LEFT JOIN settled t2 ON t2.invoice_id = s2.invoice_id
			WHERE s2.stage = s.stage AND t2.settled_on >= s2.sent_on AND t2.settled_on <= s2.sent_on + n)::int ORDER BY k)
			FROM unnest(${within}::int[]) WITH ORDINALITY AS w(n, k)) AS paid_within
	FROM sent s GROUP BY s.stage ORDER BY s.stage`;

/**
 * Invoices settled in [from, to] (as of the as-of date) that had a reminder sent on or before the settlement day,
 * and how many such reminders they had.
 */
export const REMINDERS_PER_PAID_SQL = (
	from: string,
	to: string,
	zone: string,
	asOf: string,
	where: string,
): string => `WITH reminded AS (
		SELECT DISTINCT r.invoice_id FROM reminders r JOIN customers c ON c.id = r.customer_id JOIN invoices i ON i.id = r.invoice_id
		WHERE r.status IN ('sent', 'bounced') AND r.sent_at < ((${to}::date + 1)::timestamp AT TIME ZONE ${zone}) AND (${where})
	),
	${settledCte('SELECT invoice_id FROM reminded', asOf)},
	paid AS (
		SELECT t.invoice_id, t.settled_on FROM settled t WHERE t.settled_on BETWEEN ${from}::date AND ${to}::date
	)
	SELECT count(DISTINCT p.invoice_id)::int AS invoices, count(r.id)::int AS reminders
	FROM paid p JOIN reminders r ON r.invoice_id = p.invoice_id AND r.status IN ('sent', 'bounced') AND ${dayOf('r.sent_at', zone)} <= p.settled_on`;

export async function reminderResults(
	ledger: Ledger,
	options: ReminderResultsOptions = {},
): Promise<ReminderResults> {
	const base = baseOptions(options);
	const to = reportDate(options.to, 'to', base.zone) ?? base.asOf;
	const from = reportDate(options.from, 'from', base.zone) ?? addDays(to, -29);
	if (from > to)
		throw reportError(`The period starts (${from}) after it ends (${to}).`, 'Swap the dates.');
	const within = options.paidWithinDays ?? [7, 14];
	if (
		!Array.isArray(within) ||
		within.length === 0 ||
		within.some((n) => !Number.isInteger(n) || n < 0 || n > 365)
	)
		throw reportError(
			'paidWithinDays lists whole numbers of days (0 to 365).',
			'For example [7, 14].',
		);
	const end = to < base.asOf ? to : base.asOf;

	const pv = new Params();
	const volumes = await reportQuery<{
		day: string;
		stage: string;
		channel: string;
		sent: number;
		bounced: number;
		failed: number;
	}>(
		ledger,
		REMINDER_VOLUMES_SQL(
			pv.add(from),
			pv.add(end),
			pv.add(base.zone),
			filterSql(base, pv, 'i.currency'),
		),
		pv.values,
	);
	const ps = new Params();
	const stages = await reportQuery<{
		stage: string;
		sent: number;
		bounced: number;
		paid_within: number[];
	}>(
		ledger,
		REMINDER_STAGES_SQL(
			ps.add(from),
			ps.add(end),
			ps.add(base.zone),
			ps.add(base.asOf),
			ps.add(within),
			filterSql(base, ps, 'i.currency'),
		),
		ps.values,
	);
	const pp = new Params();
	const [paid] = await reportQuery<{ invoices: number; reminders: number }>(
		ledger,
		REMINDERS_PER_PAID_SQL(
			pp.add(from),
			pp.add(end),
			pp.add(base.zone),
			pp.add(base.asOf),
			filterSql(base, pp, 'i.currency'),
		),
		pp.values,
	);
	return {
		from,
		to,
		zone: base.zone,
		volumes,
		stages: stages.map((s) => ({
			stage: s.stage,
			sent: s.sent,
			bounced: s.bounced,
			bounceRate: ratio(BigInt(s.bounced), BigInt(s.sent), 3),
			paidWithin: within.map((days, k) => ({
				days,
				count: s.paid_within[k],
				share: ratio(BigInt(s.paid_within[k]), BigInt(s.sent), 3),
			})),
		})),
		paidInvoices: paid.invoices,
		remindersPerPaidInvoice: ratio(BigInt(paid.reminders), BigInt(paid.invoices), 2),
	};
}
