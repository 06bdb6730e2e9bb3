/**
 * Receivables reports: the options and results of every figure. Amounts are never floats: each amount carries its
 * currency, its value in minor units as a decimal integer string (`minor`, e.g. "123456" for 1 234,56 EUR) and the
 * same value as a plain decimal string (`amount`, e.g. "1234.56"). Amounts of different currencies are never
 * added: every total is per currency. Dates are calendar dates `YYYY-MM-DD` in the report's zone.
 *
 * Every report is "as of" a date and honours history: it is computed from dated facts (invoice and credit note
 * issue dates, the date each payment allocation took effect, dispute opening and resolution instants, promise and
 * hold creation and settlement instants), never from current statuses, so a report for last month does not change
 * when this month's payments, credit notes or disputes arrive.
 */
import type { DisputeAnalysis, DisputeDimension } from '../disputes/analysis';

/** Portal accreditation the report is limited to (the same predicate as the tracking portal). */
export interface ReportScope {
	/** 1 everything; 2 a sales rep's own customers; 3 a group head's reps' customers. */
	level: 1 | 2 | 3;
	/** Staff code of the sales rep (level 2) or group head (level 3); ignored at level 1. */
	staffCode: string | null;
}

export interface ReportBaseOptions {
	/** The date the report is computed at (`YYYY-MM-DD`, inclusive); default today in `zone`. */
	asOf?: string;
	/** IANA zone in which instants are turned into dates (default Europe/Paris). */
	zone?: string;
	/** Limit to a portal user's customers; everything when absent. */
	scope?: ReportScope;
	/** Only this currency (ISO 4217); every currency when absent. */
	currency?: string;
}

/** An exact amount of one currency. */
export interface ReportAmount {
	currency: string;
	/** Minor units as a decimal integer string (may be negative). */
	minor: string;
	/** The same value as a decimal string with the currency's decimals, "." as separator, no grouping. */
	amount: string;
}

// ---------------------------------------------------------------- aged balance

export type AgedGroupBy = 'customer' | 'profile' | 'sales_rep' | 'currency' | 'none';

export interface AgedBalanceOptions extends ReportBaseOptions {
	/** Upper bounds (days overdue) of the overdue buckets, ascending (default [30, 60, 90]). */
	buckets?: number[];
	groupBy?: AgedGroupBy;
	/**
	 * Also give each row its credits (unlinked credit notes, credit notes beyond their invoice, unapplied cash) and
	 * the net receivable (open − credits: the balance of the customer account, 411 in the French chart of accounts).
	 * Default false: open invoices only (gross), as before. Rows of customers with credits only are added.
	 */
	net?: boolean;
	/**
	 * What "promised" adds up: 'open' (default) the open amount of the invoices under a promise; 'promised' the
	 * amount promised (capped at what the invoice owes; a promise without amount promises the whole open amount) —
	 * the amount balance cleaning lists.
	 */
	promised?: 'open' | 'promised';
}

export interface AgedBucket {
	/** 'not_due', then '1-30', '31-60', '61-90', '>90' for the default bounds. */
	key: string;
	/** Days overdue covered, inclusive; null = unbounded. `not_due` is { fromDays: null, toDays: 0 }. */
	fromDays: number | null;
	toDays: number | null;
}

export interface AgedBalanceRow {
	/** Group key: customer external id, profile code, sales rep code, currency, or 'all'; '' when not set. */
	key: string;
	/** Customer or sales rep name where there is one. */
	label: string | null;
	currency: string;
	/** Invoices open at the as-of date. */
	invoices: number;
	/** Open at the as-of date: payable − allocations effective by then − credit notes issued by then. */
	open: ReportAmount;
	/** Same order as `AgedBalance.buckets`; their sum is `open`. */
	buckets: ReportAmount[];
	/** Overdue part (every bucket but not_due). */
	overdue: ReportAmount;
	/**
	 * Part of `open` held by disputes open at the as-of date (included in the buckets): an invoice's whole open
	 * amount for a dispute of the invoice, the disputed part for a dispute of some of its lines.
	 */
	disputed: ReportAmount;
	/** Undisputed part of `open` on invoices under a pending payment promise at the as-of date. */
	promised: ReportAmount;
	/** With `net`: unlinked credit notes and credit notes beyond their invoice, at the as-of date. */
	creditNotes?: ReportAmount;
	/** With `net`: payments received by the as-of date and not allocated by then. */
	unappliedCash?: ReportAmount;
	/** With `net`: open − creditNotes − unappliedCash (negative: a credit balance). */
	net?: ReportAmount;
}

// ---------------------------------------------------------------- net receivables

export interface NetReceivablesOptions extends ReportBaseOptions {
	/** One row per customer and currency (default), or one per currency. */
	groupBy?: 'customer' | 'none';
}

export interface NetReceivablesRow {
	/** Customer external id; '' for payments whose payer is not identified; the currency for totals. */
	key: string;
	label: string | null;
	currency: string;
	/** Open invoices at the date (gross receivables). */
	invoices: ReportAmount;
	/** Credit notes not linked to an invoice by the date, plus the part of linked credit notes beyond their invoice. */
	creditNotes: ReportAmount;
	/** Payments received by the date with a part not allocated by then. */
	unappliedCash: ReportAmount;
	/** invoices − creditNotes − unappliedCash: the customer account's balance. */
	net: ReportAmount;
	/** −net when the customer is owed money (a credit balance), else 0. */
	creditBalance: ReportAmount;
}

export interface NetReceivables {
	asOf: string;
	zone: string;
	rows: NetReceivablesRow[];
	/** One row per currency. */
	totals: NetReceivablesRow[];
}

export interface AgedBalance {
	asOf: string;
	zone: string;
	groupBy: AgedGroupBy;
	buckets: AgedBucket[];
	/** One row per group and currency, ordered by currency then open amount descending. */
	rows: AgedBalanceRow[];
	/** One row per currency (key = currency). */
	totals: AgedBalanceRow[];
}

// ---------------------------------------------------------------- DSO, CEI, days late

export type DsoMethod = 'countback' | 'simple';

export interface TrendOptions extends ReportBaseOptions {
	/** Months of the trend ending with the month of `asOf` (default 12). The last point is computed at `asOf`. */
	months?: number;
	/**
	 * Receivables net of credits (unlinked credit notes, credit notes beyond their invoice, unapplied cash), the
	 * balance of the customer accounts; default false: open invoices only (gross), as before.
	 */
	net?: boolean;
}

export interface DsoOptions extends TrendOptions {
	/** Default 'countback'. */
	method?: DsoMethod;
	/** Simple method: sales of how many months are averaged (default 3). */
	salesMonths?: number;
}

export interface DsoPoint {
	/** `YYYY-MM`. */
	month: string;
	/** End of the month, or `asOf` for the current month. */
	date: string;
	currency: string;
	/** Receivables open at `date`. */
	receivables: ReportAmount;
	/** Net sales (invoices − credit notes) issued in the month. */
	sales: ReportAmount;
	/** Days, one decimal; null when there were no sales to divide by. */
	dso: number | null;
}

export interface DsoReport {
	asOf: string;
	zone: string;
	method: DsoMethod;
	points: DsoPoint[];
}

export interface CeiPoint {
	month: string;
	/** First day of the month and its last day (or asOf). */
	from: string;
	to: string;
	currency: string;
	/** Open the day before the month started. */
	beginning: ReportAmount;
	/** Net sales issued in the month. */
	sales: ReportAmount;
	/** Open at the end. */
	ending: ReportAmount;
	/** Part of `ending` not yet due at the end. */
	endingCurrent: ReportAmount;
	/** Percent, one decimal; null when nothing was collectable. */
	cei: number | null;
}

export interface CeiReport {
	asOf: string;
	zone: string;
	points: CeiPoint[];
}

export interface DaysLateOptions extends ReportBaseOptions {
	/** Allocations effective from / to (inclusive); default the 12 months ending at `asOf`. */
	from?: string;
	to?: string;
}

export interface DaysLateRow {
	customer: string;
	customerName: string;
	currency: string;
	/** Invoices with at least one allocation in the period. */
	invoices: number;
	/** Amount paid in the period. */
	paid: ReportAmount;
	/** Σ(amount × max(0, payment date − due date)) / Σ amount, in days, one decimal (weighted by amount paid). */
	averageDaysLate: number;
	/** Σ(amount × (payment date − issue date)) / Σ amount (weighted by amount paid). */
	averageDaysToPay: number;
	/** Share of the amount paid after the due date, 0..1 (three decimals). */
	lateShare: number;
}

export interface DaysLateReport {
	from: string;
	to: string;
	zone: string;
	/** Always 'amount': every average is weighted by the amount paid. */
	weighting: 'amount';
	rows: DaysLateRow[];
}

// ---------------------------------------------------------------- balance cleaning

export interface BalanceCleaningOptions extends ReportBaseOptions {
	/** Open invoices overdue by more than this many days are listed as doubtful (default 180). */
	doubtfulAfterDays?: number;
	/** Items listed per section (default 500); counts and totals cover every item. */
	limit?: number;
}

export interface CleaningItem {
	customer: string;
	customerName: string;
	salesRep: string | null;
	invoiceNumber: string | null;
	/** The invoice's open amount at the as-of date, or the payment's unapplied amount, or the promised amount. */
	amount: ReportAmount | null;
	dueDate: string | null;
	daysOverdue: number | null;
	/** Promise date, hold end, dispute due date… */
	date: string | null;
	/** Category, hold reason, flag reason… */
	detail: string | null;
	/** Promise, hold, dispute or payment id. */
	ref: string | null;
}

export interface CleaningSection {
	key:
		| 'promises'
		| 'delay_requests'
		| 'disputes'
		| 'doubtful'
		| 'unapplied_payments'
		| 'ambiguous_payments';
	count: number;
	totals: ReportAmount[];
	items: CleaningItem[];
}

export interface BalanceCleaning {
	asOf: string;
	zone: string;
	sections: CleaningSection[];
}

// ---------------------------------------------------------------- reminder results

export interface ReminderResultsOptions extends ReportBaseOptions {
	/** Reminders sent from / to (inclusive); default the 30 days ending at `asOf`. */
	from?: string;
	to?: string;
	/** "Paid within N days after the reminder" (default 7 and 14). */
	paidWithinDays?: number[];
}

export interface ReminderDayVolume {
	day: string;
	stage: string;
	channel: string;
	sent: number;
	bounced: number;
	failed: number;
}

export interface ReminderStageResult {
	stage: string;
	/** Reminders sent (status sent or bounced, i.e. handed to the mail server or printed). */
	sent: number;
	bounced: number;
	/** bounced / sent, 0..1, three decimals; null when nothing was sent. */
	bounceRate: number | null;
	/** For each N of `paidWithinDays`: reminders whose invoice was settled within N days after sending. */
	paidWithin: Array<{ days: number; count: number; share: number | null }>;
}

export interface ReminderResults {
	from: string;
	to: string;
	zone: string;
	volumes: ReminderDayVolume[];
	stages: ReminderStageResult[];
	/** Invoices settled in the period that had at least one reminder. */
	paidInvoices: number;
	/** Reminders sent for those invoices (before settlement) / paidInvoices; null when none. */
	remindersPerPaidInvoice: number | null;
}

// ---------------------------------------------------------------- disputes (shared with the Dispute Classifier)

export interface DisputeReportOptions extends ReportBaseOptions {
	from?: string;
	to?: string;
	groupBy?: DisputeDimension;
}

export type DisputeReport = DisputeAnalysis;

// ---------------------------------------------------------------- distribution

export interface DistributionOptions extends ReportBaseOptions {
	/** Waves planned from / to (inclusive); default the 90 days ending at `asOf`. */
	from?: string;
	to?: string;
	/** A delivery is on time when delivered on or before the wave's planned date + this many days (default 0). */
	graceDays?: number;
}

export interface DistributionRow {
	zone: string;
	courier: string | null;
	currency: string | null;
	waves: number;
	deliveries: number;
	delivered: number;
	onTime: number;
	/** onTime / delivered, 0..1, three decimals. */
	onTimeRate: number | null;
	/** Average of (delivery date − planned date) in days over delivered invoices, one decimal. */
	averageDelayDays: number | null;
	failed: number;
	/** Σ (courier + printing + postage rate) over the deliveries of the zone and courier. */
	cost: ReportAmount | null;
	/** cost / delivered (rounded half away from zero to the minor unit). */
	costPerDelivered: ReportAmount | null;
}

export interface DistributionReport {
	from: string;
	to: string;
	zone: string;
	rows: DistributionRow[];
}

// ---------------------------------------------------------------- everything at once

export interface ReceivablesOverviewOptions extends ReportBaseOptions {
	aged?: Omit<AgedBalanceOptions, keyof ReportBaseOptions>;
	months?: number;
	doubtfulAfterDays?: number;
	/** Period of the reminder, dispute and distribution sections (default the 30 days ending at asOf). */
	from?: string;
}

export interface ReceivablesOverview {
	asOf: string;
	zone: string;
	scope: ReportScope | null;
	aged: AgedBalance;
	dso: DsoReport;
	dsoSimple: DsoReport;
	cei: CeiReport;
	daysLate: DaysLateReport;
	cleaning: BalanceCleaning;
	reminders: ReminderResults;
	disputes: DisputeReport;
	distribution: DistributionReport;
}
