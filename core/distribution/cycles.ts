import { ReceivablesError } from '../errors';
import type { Queryable } from '../ledger';
import { addDays, endOfMonth, parseCalendarDate } from '../time';

/**
 * Billing cycles (customers.billing_cycle): when a customer's invoices are edited and sent out.
 *   'monthly'            one run per month, on its last day, for the invoices issued that month
 *   'fortnightly'        two runs per month, on the 15th and the last day
 *   'custom:5,20,last'   runs on these days of each month (a day beyond the month's end means its last day)
 * A run on a cut date takes the invoices issued after the previous cut date, up to this one.
 */
export interface CyclePeriod {
	rule: string;
	/** The cut date of this run (YYYY-MM-DD). */
	cut: string;
	/** First issue date of the period (the day after the previous cut). */
	start: string;
	/** Stable key of the run: "<rule>@<cut>". */
	key: string;
}

function cutDays(rule: string): Array<number | 'last'> {
	const text = rule.trim().toLowerCase();
	if (text === 'monthly') return ['last'];
	if (text === 'fortnightly') return [15, 'last'];
	const m = text.match(/^custom:\s*([0-9a-z,\s]+)$/);
	if (m) {
		const days = m[1]
			.split(',')
			.map((d) => d.trim())
			.filter(Boolean);
		const parsed: Array<number | 'last'> = [];
		for (const day of days) {
			if (day === 'last') parsed.push('last');
			else if (/^\d{1,2}$/.test(day) && Number(day) >= 1 && Number(day) <= 31)
				parsed.push(Number(day));
			else return [];
		}
		return parsed;
	}
	return [];
}

export function isValidBillingCycle(rule: string): boolean {
	return cutDays(String(rule ?? '')).length > 0;
}

function cutsOfMonth(rule: string, anyDayOfMonth: string): string[] {
	const last = endOfMonth(anyDayOfMonth);
	const lastDay = Number(last.slice(8, 10));
	const prefix = last.slice(0, 8);
	const dates = cutDays(rule).map(
		(d) => `${prefix}${String(d === 'last' ? lastDay : Math.min(d, lastDay)).padStart(2, '0')}`,
	);
	return [...new Set(dates)].sort();
}

/** The run of `rule` on or before `runDate`: its cut date and the period it covers. */
export function cyclePeriod(rule: string, runDate: string): CyclePeriod {
	const date = parseCalendarDate(runDate);
	if (!date)
		throw new ReceivablesError(
			'CYCLE_DATE_INVALID',
			`The run date "${runDate}" is not a date / La date de passage « ${runDate} » n'est pas une date.`,
			{ hint: 'Write it as YYYY-MM-DD.' },
		);
	if (!isValidBillingCycle(rule)) {
		throw new ReceivablesError(
			'BILLING_CYCLE_INVALID',
			`Unknown billing cycle "${rule}" / Cycle de facturation inconnu « ${rule} ».`,
			{
				hint: "Use 'monthly', 'fortnightly' or 'custom:<days of month>' such as 'custom:10,25' or 'custom:5,last'.",
			},
		);
	}
	const monthStart = `${date.slice(0, 8)}01`;
	const previousMonth = addDays(monthStart, -1);
	const cuts = [...cutsOfMonth(rule, previousMonth), ...cutsOfMonth(rule, date)];
	let index = -1;
	for (let i = 0; i < cuts.length; i++) if (cuts[i] <= date) index = i;
	// index ≥ 1 always: every rule has at least one cut in the previous month.
	const cut = cuts[index];
	const start = addDays(cuts[index - 1] ?? addDays(`${previousMonth.slice(0, 8)}01`, -1), 1);
	return {
		rule: rule.trim().toLowerCase(),
		cut,
		start,
		key: `${rule.trim().toLowerCase()}@${cut}`,
	};
}

/** Is `runDate` itself a cut date of `rule`? */
export function isCycleRunDay(rule: string, runDate: string): boolean {
	return cyclePeriod(rule, runDate).cut === parseCalendarDate(runDate);
}

export interface CycleInvoice {
	invoiceId: string;
	number: string;
	customerId: string;
	customerExternalId: string;
	customerName: string;
	addressLines: string[];
	postalCode: string | null;
	city: string | null;
	country: string;
	zone: string | null;
	currency: string;
	amountMinor: bigint;
	issueDate: string;
	firstCycle: boolean;
	cycleKey: string;
}

export interface CycleInvoicesInput {
	runDate: string;
	/** Only customers whose cycle has a cut on the run date (default true); false takes every cycle's latest run. */
	onlyRunDay?: boolean;
	/** Restrict to these customers (external ids). */
	customers?: string[];
}

export interface CycleInvoicesResult {
	periods: CyclePeriod[];
	invoices: CycleInvoice[];
	/** Billing-cycle values found on customers that are not valid rules (their invoices are not taken). */
	invalidCycles: Array<{ rule: string; customers: number }>;
}

interface CycleRow {
	id: string;
	number: string;
	customer_id: string;
	external_id: string;
	name: string;
	address_lines: string[];
	postal_code: string | null;
	city: string | null;
	country: string;
	zone: string | null;
	currency: string;
	open_minor: string;
	issue_date: string;
	first_cycle_done: boolean;
}

/** Which invoices belong to this run: open invoices issued in each cycle's period and not yet planned in a wave. */
export async function cycleInvoices(
	db: Queryable,
	input: CycleInvoicesInput,
): Promise<CycleInvoicesResult> {
	const date = parseCalendarDate(input.runDate);
	if (!date)
		throw new ReceivablesError(
			'CYCLE_DATE_INVALID',
			`The run date "${input.runDate}" is not a date / La date de passage « ${input.runDate} » n'est pas une date.`,
			{ hint: 'Write it as YYYY-MM-DD.' },
		);
	const customers = input.customers?.length ? input.customers : null;
	const rules = await db.query<{ billing_cycle: string; n: string }>(
		`SELECT billing_cycle, count(*) AS n FROM customers WHERE ($1::text[] IS NULL OR external_id = ANY($1)) GROUP BY billing_cycle ORDER BY billing_cycle`,
		[customers],
	);
	const periods: CyclePeriod[] = [];
	const invalidCycles: CycleInvoicesResult['invalidCycles'] = [];
	const invoices: CycleInvoice[] = [];
	for (const { billing_cycle: rule, n } of rules.rows) {
		if (!isValidBillingCycle(rule)) {
			invalidCycles.push({ rule, customers: Number(n) });
			continue;
		}
		const period = cyclePeriod(rule, date);
		if ((input.onlyRunDay ?? true) && period.cut !== date) continue;
		periods.push(period);
		const rows = await db.query<CycleRow>(
			`SELECT i.id, i.number, i.customer_id, c.external_id, c.name, c.address_lines, c.postal_code, c.city, c.country, c.zone,
				i.currency, i.open_minor::text, to_char(i.issue_date, 'YYYY-MM-DD') AS issue_date, c.first_cycle_done
			FROM customers c JOIN invoices i ON i.customer_id = c.id
			WHERE c.billing_cycle = $1 AND ($4::text[] IS NULL OR c.external_id = ANY($4))
				AND i.doc_type = 'invoice' AND i.status = 'open' AND i.issue_date BETWEEN $2 AND $3
				AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.invoice_id = i.id AND d.status <> 'returned')
			ORDER BY c.country, c.zone NULLS LAST, c.city NULLS LAST, c.external_id, i.number`,
			[rule, period.start, period.cut, customers],
		);
		for (const r of rows.rows) {
			invoices.push({
				invoiceId: r.id,
				number: r.number,
				customerId: r.customer_id,
				customerExternalId: r.external_id,
				customerName: r.name,
				addressLines: r.address_lines,
				postalCode: r.postal_code,
				city: r.city,
				country: r.country,
				zone: r.zone,
				currency: r.currency,
				amountMinor: BigInt(r.open_minor),
				issueDate: r.issue_date,
				firstCycle: !r.first_cycle_done,
				cycleKey: period.key,
			});
		}
	}
	return { periods, invoices, invalidCycles };
}
