import type { Ledger } from '../ledger';
import { addDays } from '../time';
import { agedBalance } from './aged';
import { balanceCleaning } from './cleaning';
import { daysLate } from './daysLate';
import { disputeReport } from './disputes';
import { distributionReport } from './distribution';
import { cei, dso, type OpenTotalsCache } from './dso';
import { reminderResults } from './reminders';
import { baseOptions, reportDate, reportError } from './sql';
import type { ReceivablesOverview, ReceivablesOverviewOptions, ReportBaseOptions } from './types';

/**
 * Every report at one date and scope, for the PDF report and the dashboard: aged balance, DSO (countback and
 * simple), CEI and days late over `months`, balance cleaning at the date, reminders, disputes and distribution
 * over [from, asOf] (default the 30 days ending at the date). Each figure comes from its own report function.
 */
export async function receivablesOverview(
	ledger: Ledger,
	options: ReceivablesOverviewOptions = {},
): Promise<ReceivablesOverview> {
	const base = baseOptions(options);
	const common: ReportBaseOptions = {
		asOf: base.asOf,
		zone: base.zone,
		scope: base.scope ?? undefined,
		currency: base.currency ?? undefined,
	};
	const from = reportDate(options.from, 'from', base.zone) ?? addDays(base.asOf, -29);
	if (from > base.asOf)
		throw reportError(
			`The period starts (${from}) after the report date (${base.asOf}).`,
			'Give a start on or before the report date.',
		);
	const months = options.months ?? 12;
	const aged = await agedBalance(ledger, { ...common, groupBy: 'customer', ...options.aged });
	// The receivables at each month's end are read once for both DSO methods and the CEI.
	const cache: OpenTotalsCache = new Map();
	const dsoCountback = await dso(ledger, { ...common, months, method: 'countback' }, cache);
	const dsoSimple = await dso(ledger, { ...common, months, method: 'simple' }, cache);
	const ceiReport = await cei(ledger, { ...common, months }, cache);
	const late = await daysLate(ledger, { ...common, from: addDays(base.asOf, -(months * 30) + 1) });
	const cleaning = await balanceCleaning(ledger, {
		...common,
		doubtfulAfterDays: options.doubtfulAfterDays,
	});
	const reminders = await reminderResults(ledger, { ...common, from, to: base.asOf });
	const disputes = await disputeReport(ledger, { ...common, from, to: base.asOf });
	const distribution = await distributionReport(ledger, { ...common, from, to: base.asOf });
	return {
		asOf: base.asOf,
		zone: base.zone,
		scope: base.scope,
		aged,
		dso: dsoCountback,
		dsoSimple,
		cei: ceiReport,
		daysLate: late,
		cleaning,
		reminders,
		disputes,
		distribution,
	};
}
