import type { Ledger } from '../ledger';
import { roundHalfAwayFromZero } from '../money';
import { addDays } from '../time';
import {
	amountOf,
	Params,
	baseOptions,
	dayOf,
	filterSql,
	oneDecimal,
	ratio,
	reportDate,
	reportError,
	reportQuery,
} from './sql';
import type { DistributionOptions, DistributionReport } from './types';

/**
 * Distribution per zone and courier over the waves planned in [from, to], as it stood at the as-of date:
 * delivered = deliveries delivered on or before the as-of date; on time = delivered on or before the wave's
 * planned day + grace days; delay = delivery day − planned day (average over delivered); failed = the courier's
 * last event on or before the as-of date is refused, absent, wrong address or returned. Cost as Wave Costs counts it (`waveCosts`): each invoice of
 * a wave costs the wave's courier, printing and postage rates; cost per delivered invoice = cost / delivered.
 */
export const DISTRIBUTION_SQL = (
	from: string,
	to: string,
	asOf: string,
	zone: string,
	grace: string,
	where: string,
): string => `WITH d AS (
		SELECT coalesce(w.zone, w.city, '') AS zone, w.courier_code, coalesce(w.currency, 'EUR')::text AS currency, w.id AS wave_id, w.planned_on,
			w.courier_rate_minor + w.printing_rate_minor + w.postage_rate_minor AS cost,
			CASE WHEN dl.status = 'delivered' AND dl.delivered_at IS NOT NULL AND ${dayOf('dl.delivered_at', zone)} <= ${asOf}::date
				THEN ${dayOf('dl.delivered_at', zone)} END AS delivered_on,
			coalesce((SELECT ce.type FROM courier_events ce WHERE ce.delivery_id = dl.id AND ${dayOf('ce.occurred_at', zone)} <= ${asOf}::date
				ORDER BY ce.occurred_at DESC, ce.id DESC LIMIT 1) IN ('refused', 'absent', 'wrong_address', 'returned'), false) AS failed
		FROM waves w JOIN deliveries dl ON dl.wave_id = w.id JOIN customers c ON c.id = dl.customer_id
		WHERE w.planned_on BETWEEN ${from}::date AND ${to}::date AND (${where})
	)
	SELECT zone, courier_code, currency, count(DISTINCT wave_id)::int AS waves, count(*)::int AS deliveries,
		count(delivered_on)::int AS delivered,
		count(*) FILTER (WHERE delivered_on <= planned_on + ${grace}::int)::int AS on_time,
		sum(delivered_on - planned_on) FILTER (WHERE delivered_on IS NOT NULL)::text AS delay_days,
		count(*) FILTER (WHERE failed)::int AS failed,
		sum(cost)::text AS cost
	FROM d GROUP BY zone, courier_code, currency ORDER BY zone, courier_code NULLS LAST, currency`;

export async function distributionReport(
	ledger: Ledger,
	options: DistributionOptions = {},
): Promise<DistributionReport> {
	const base = baseOptions(options);
	const to = reportDate(options.to, 'to', base.zone) ?? base.asOf;
	const from = reportDate(options.from, 'from', base.zone) ?? addDays(to, -89);
	if (from > to)
		throw reportError(`The period starts (${from}) after it ends (${to}).`, 'Swap the dates.');
	const grace = options.graceDays ?? 0;
	if (!Number.isInteger(grace) || grace < 0 || grace > 60)
		throw reportError('graceDays is a whole number of days (0 to 60).', 'For example 0 or 1.');
	const p = new Params();
	const sql = DISTRIBUTION_SQL(
		p.add(from),
		p.add(to < base.asOf ? to : base.asOf),
		p.add(base.asOf),
		p.add(base.zone),
		p.add(grace),
		filterSql(base, p, "coalesce(w.currency, 'EUR')"),
	);
	const rows = await reportQuery<{
		zone: string;
		courier_code: string | null;
		currency: string | null;
		waves: number;
		deliveries: number;
		delivered: number;
		on_time: number;
		delay_days: string | null;
		failed: number;
		cost: string;
	}>(ledger, sql, p.values);
	return {
		from,
		to,
		zone: base.zone,
		rows: rows.map((r) => {
			const currency = r.currency;
			const cost = BigInt(r.cost);
			return {
				zone: r.zone,
				courier: r.courier_code,
				currency,
				waves: r.waves,
				deliveries: r.deliveries,
				delivered: r.delivered,
				onTime: r.on_time,
				onTimeRate: ratio(BigInt(r.on_time), BigInt(r.delivered), 3),
				averageDelayDays:
					r.delay_days === null
						? null
						: oneDecimal(ratio(BigInt(r.delay_days), BigInt(r.delivered), 2)),
				failed: r.failed,
				cost: currency ? amountOf(cost, currency) : null,
				costPerDelivered:
					currency && r.delivered > 0
						? amountOf(roundHalfAwayFromZero(cost, BigInt(r.delivered)), currency)
						: null,
			};
		}),
	};
}
