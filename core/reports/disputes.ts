import { analyseDisputes } from '../disputes/analysis';
import type { Ledger } from '../ledger';
import { baseOptions, filterSql, Params, reportDate, reportError } from './sql';
import type { DisputeReport, DisputeReportOptions } from './types';

/**
 * Dispute analysis for reports: the Dispute Classifier's own analysis (`analyseDisputes`, one SQL for both),
 * limited to the portal scope's customers and read as of the report's date (a dispute resolved after it is still
 * open; one opened after it is left out). Disputes opened in [from, to]; default every dispute opened by `asOf`.
 */
export async function disputeReport(
	ledger: Ledger,
	options: DisputeReportOptions = {},
): Promise<DisputeReport> {
	const base = baseOptions(options);
	const from = reportDate(options.from, 'from', base.zone);
	const to = reportDate(options.to, 'to', base.zone);
	if (from && to && from > to)
		throw reportError(`The period starts (${from}) after it ends (${to}).`, 'Swap the dates.');
	let customerIds: string[] | undefined;
	if (base.scope && base.scope.level !== 1) {
		const p = new Params();
		const rows = await ledger.query<{ id: string }>(
			`SELECT c.id::text FROM customers c WHERE ${filterSql({ ...base, currency: null }, p)}`,
			p.values,
		);
		customerIds = rows.map((r) => r.id);
	}
	const analysis = await analyseDisputes(ledger, {
		from: from ?? undefined,
		to: to && to < base.asOf ? to : base.asOf,
		asOf: base.asOf,
		zone: base.zone,
		groupBy: options.groupBy ?? 'category',
		customerIds,
		historical: true,
	});
	if (!base.currency) return analysis;
	// A currency filter keeps the counts (a dispute may have no amount) and the amounts of that currency.
	const only = (list: Array<{ currency: string; amount: string }>) =>
		list.filter((a) => a.currency === base.currency);
	return {
		...analysis,
		totals: { ...analysis.totals, amounts: only(analysis.totals.amounts) },
		groups: analysis.groups.map((g) => ({ ...g, amounts: only(g.amounts) })),
	};
}
