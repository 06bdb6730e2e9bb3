import { neutraliseRows } from '../documents/cells';
import { ReceivablesError } from '../errors';
import type { Ledger } from '../ledger/ledger';
import { formatAmount } from '../money/money';
import { disputeCategoryLabel, disputeKeyLabel, type LabelLanguage } from './labels';
import { DEFAULT_ZONE, parseCalendarDate, todayIn } from '../time/dates';

/**
 * The dispute analysis the company sends its clients and reads itself: how many disputes, for how much, how
 * old, by category, customer, sales rep, owner, resolution or root cause (quantitative), and the root causes
 * that come back most, with examples (qualitative). The SQL lives here once; reports reuse it.
 */

export type DisputeDimension =
	| 'category'
	| 'subcategory'
	| 'customer'
	| 'sales_rep'
	| 'owner'
	| 'resolution'
	| 'root_cause';
export const DISPUTE_DIMENSIONS: DisputeDimension[] = [
	'category',
	'subcategory',
	'customer',
	'sales_rep',
	'owner',
	'resolution',
	'root_cause',
];

/**
 * Disputes in scope: $1 from (date, opened on or after, or null), $2 to (date, opened on or before, or null),
 * $3 zone, $4 status ('all' | 'open' | 'resolved'), $5 customer external id (or null), $8 customer ids (or null
 * for every customer), $9 a date at which statuses are read from the opening and resolution instants (or null for
 * the current status): a dispute opened after it is left out, one resolved after it is still open.
 */
const SCOPE = `SELECT d.id, d.category, d.subcategory, st.status, d.owner,
		CASE WHEN st.status = 'resolved' THEN d.resolution END AS resolution, CASE WHEN st.status = 'resolved' THEN d.root_cause END AS root_cause,
		CASE WHEN st.status = 'resolved' THEN d.justified END AS justified, d.amount_minor,
		d.currency, d.evidence, c.external_id AS customer, c.name AS customer_name, c.sales_rep_code AS sales_rep, sr.name AS sales_rep_name,
		(d.opened_at AT TIME ZONE $3)::date AS opened_on, CASE WHEN st.status = 'resolved' THEN (d.resolved_at AT TIME ZONE $3)::date END AS resolved_on
	FROM disputes d JOIN customers c ON c.id = d.customer_id LEFT JOIN staff sr ON sr.code = c.sales_rep_code
	CROSS JOIN LATERAL (SELECT CASE WHEN $9::date IS NULL THEN d.status
		WHEN d.resolved_at IS NOT NULL AND (d.resolved_at AT TIME ZONE $3)::date <= $9::date THEN 'resolved' ELSE 'open' END AS status) st
	WHERE ($1::date IS NULL OR (d.opened_at AT TIME ZONE $3)::date >= $1::date)
		AND ($2::date IS NULL OR (d.opened_at AT TIME ZONE $3)::date <= $2::date)
		AND ($9::date IS NULL OR (d.opened_at AT TIME ZONE $3)::date <= $9::date)
		AND ($4::text = 'all' OR st.status = $4::text)
		AND ($5::text IS NULL OR c.external_id = $5::text)
		AND ($8::bigint[] IS NULL OR d.customer_id = ANY($8::bigint[]))`;

/**
 * Quantitative analysis, one row per value of the dimension. Parameters: those of the scope, then $6 the
 * dimension, $7 the as-of date (ages of open disputes are counted to it), then $8 and $9 of the scope.
 */
export const DISPUTE_ANALYSIS_SQL = `WITH scope AS (${SCOPE}),
keyed AS (
	SELECT s.*,
		CASE $6::text WHEN 'category' THEN s.category
			WHEN 'subcategory' THEN s.category || '/' || coalesce(s.subcategory, '')
			WHEN 'customer' THEN s.customer
			WHEN 'sales_rep' THEN coalesce(s.sales_rep, '')
			WHEN 'owner' THEN coalesce(s.owner, '')
			WHEN 'resolution' THEN coalesce(s.resolution, '')
			WHEN 'root_cause' THEN coalesce(lower(s.root_cause), '') END AS key,
		CASE $6::text WHEN 'customer' THEN s.customer_name WHEN 'sales_rep' THEN s.sales_rep_name ELSE NULL END AS label,
		CASE WHEN s.status = 'resolved' THEN s.resolved_on - s.opened_on ELSE $7::date - s.opened_on END AS age
	FROM scope s
),
amounts AS (
	SELECT key, currency, sum(amount_minor) AS amount FROM keyed WHERE amount_minor IS NOT NULL AND currency IS NOT NULL GROUP BY key, currency
)
SELECT k.key, max(k.label) AS label, count(*)::int AS count,
	count(*) FILTER (WHERE k.status = 'open')::int AS open,
	count(*) FILTER (WHERE k.status = 'resolved')::int AS resolved,
	count(*) FILTER (WHERE k.justified IS TRUE)::int AS justified,
	count(*) FILTER (WHERE k.justified IS FALSE)::int AS unjustified,
	round(avg(k.age) FILTER (WHERE k.status = 'open'), 1)::text AS average_open_age_days,
	max(k.age) FILTER (WHERE k.status = 'open') AS oldest_open_age_days,
	round(avg(k.age) FILTER (WHERE k.status = 'resolved'), 1)::text AS average_resolution_days,
	(SELECT coalesce(json_agg(json_build_object('currency', trim(a.currency), 'minor', a.amount::text) ORDER BY a.currency), '[]'::json)
		FROM amounts a WHERE a.key = k.key) AS amounts
FROM keyed k GROUP BY k.key ORDER BY count(*) DESC, k.key`;

/**
 * Qualitative analysis: resolved disputes in scope grouped by root cause (case-insensitive), most frequent first,
 * with up to $6 examples each (most recent first) and $7 causes at most; $8 and $9 of the scope.
 */
export const DISPUTE_ROOT_CAUSES_SQL = `WITH scope AS (${SCOPE}),
causes AS (
	SELECT lower(root_cause) AS cause, count(*)::int AS count, min(root_cause) AS label,
		array_agg(DISTINCT category ORDER BY category) AS categories,
		count(*) FILTER (WHERE justified IS TRUE)::int AS justified
	FROM scope WHERE status = 'resolved' AND root_cause IS NOT NULL GROUP BY lower(root_cause)
),
ranked AS (
	SELECT s.*, lower(s.root_cause) AS cause, row_number() OVER (PARTITION BY lower(s.root_cause) ORDER BY s.resolved_on DESC, s.id DESC) AS n
	FROM scope s WHERE s.status = 'resolved' AND s.root_cause IS NOT NULL
)
SELECT c.cause, c.label, c.count, c.categories, c.justified, (SELECT sum(count) FROM causes)::int AS total,
	(SELECT json_agg(json_build_object('disputeId', r.id::text, 'customer', r.customer, 'customerName', r.customer_name, 'category', r.category,
		'subcategory', r.subcategory, 'resolution', r.resolution, 'evidence', r.evidence, 'openedOn', r.opened_on::text, 'resolvedOn', r.resolved_on::text)
		ORDER BY r.n) FROM ranked r WHERE r.cause = c.cause AND r.n <= $6::int) AS examples
FROM causes c ORDER BY c.count DESC, c.cause LIMIT $7::int`;

export interface DisputeAnalysisOptions {
	/** Disputes opened from / to these dates (YYYY-MM-DD, inclusive); all when absent. */
	from?: string;
	to?: string;
	/** Ages of open disputes are counted to this date (default today). */
	asOf?: string;
	groupBy?: DisputeDimension;
	status?: 'all' | 'open' | 'resolved';
	customer?: string;
	/** Root causes listed (default 10) and examples per cause (default 3). */
	topCauses?: number;
	examples?: number;
	zone?: string;
	/** Only the disputes of these customers (ledger ids), e.g. a portal user's scope; every customer when absent. */
	customerIds?: string[];
	/** Read each dispute's status at `asOf` from its opening and resolution dates rather than now (reports of a past date). */
	historical?: boolean;
}

export interface DisputeGroup {
	key: string;
	label: string | null;
	count: number;
	open: number;
	resolved: number;
	justified: number;
	unjustified: number;
	amounts: Array<{ currency: string; amount: string }>;
	averageOpenAgeDays: number | null;
	oldestOpenAgeDays: number | null;
	averageResolutionDays: number | null;
}

export interface RootCause {
	rootCause: string;
	count: number;
	/** Share of the resolved disputes with a root cause, 0..1. */
	share: number;
	categories: string[];
	justified: number;
	examples: Array<{
		disputeId: string;
		customer: string;
		customerName: string;
		category: string;
		subcategory: string | null;
		resolution: string | null;
		evidence: string | null;
		openedOn: string;
		resolvedOn: string;
	}>;
}

export interface DisputeAnalysis {
	from: string | null;
	to: string | null;
	asOf: string;
	groupBy: DisputeDimension;
	status: 'all' | 'open' | 'resolved';
	totals: {
		count: number;
		open: number;
		resolved: number;
		amounts: Array<{ currency: string; amount: string }>;
	};
	groups: DisputeGroup[];
	rootCauses: RootCause[];
}

function analysisError(message: string, hint: string): ReceivablesError {
	return new ReceivablesError('DISPUTE_ANALYSIS_INVALID', message, { hint });
}

export async function analyseDisputes(
	ledger: Ledger,
	options: DisputeAnalysisOptions = {},
): Promise<DisputeAnalysis> {
	const zone = options.zone || DEFAULT_ZONE;
	const date = (value: string | undefined, name: string): string | null => {
		if (!value) return null;
		const d = parseCalendarDate(value, zone);
		if (!d)
			throw analysisError(
				`The ${name} date "${value}" is not a calendar date.`,
				'Give dates as YYYY-MM-DD.',
			);
		return d;
	};
	const from = date(options.from, 'from');
	const to = date(options.to, 'to');
	const asOf = date(options.asOf, 'as-of') ?? todayIn(zone);
	const groupBy = options.groupBy ?? 'category';
	if (!DISPUTE_DIMENSIONS.includes(groupBy))
		throw analysisError(
			`Disputes cannot be grouped by "${groupBy}".`,
			`Group by one of ${DISPUTE_DIMENSIONS.join(', ')}.`,
		);
	const status = options.status ?? 'all';
	if (!['all', 'open', 'resolved'].includes(status))
		throw analysisError(`"${status}" is not a dispute status.`, 'Use all, open or resolved.');
	const scope = [from, to, zone, status, options.customer || null];
	const extra = [options.customerIds ?? null, options.historical ? asOf : null];
	const groups = await ledger.query<{
		key: string;
		label: string | null;
		count: number;
		open: number;
		resolved: number;
		justified: number;
		unjustified: number;
		average_open_age_days: string | null;
		oldest_open_age_days: number | null;
		average_resolution_days: string | null;
		amounts: Array<{ currency: string; minor: string }>;
	}>(DISPUTE_ANALYSIS_SQL, [...scope, groupBy, asOf, ...extra]);
	const causes = await ledger.query<{
		cause: string;
		label: string;
		count: number;
		categories: string[];
		justified: number;
		total: number;
		examples: RootCause['examples'];
	}>(DISPUTE_ROOT_CAUSES_SQL, [
		...scope,
		Math.max(0, options.examples ?? 3),
		Math.max(1, options.topCauses ?? 10),
		...extra,
	]);
	const money = (list: Array<{ currency: string; minor: string }>) =>
		list.map((a) => ({ currency: a.currency, amount: formatAmount(BigInt(a.minor), a.currency) }));
	const totalsByCurrency = new Map<string, bigint>();
	for (const g of groups)
		for (const a of g.amounts)
			totalsByCurrency.set(a.currency, (totalsByCurrency.get(a.currency) ?? 0n) + BigInt(a.minor));
	const num = (v: string | null) => (v === null ? null : Number(v));
	return {
		from,
		to,
		asOf,
		groupBy,
		status,
		totals: {
			count: groups.reduce((s, g) => s + g.count, 0),
			open: groups.reduce((s, g) => s + g.open, 0),
			resolved: groups.reduce((s, g) => s + g.resolved, 0),
			amounts: [...totalsByCurrency]
				.sort(([a], [b]) => a.localeCompare(b))
				.map(([currency, minor]) => ({ currency, amount: formatAmount(minor, currency) })),
		},
		groups: groups.map((g) => ({
			key: g.key,
			label: g.label,
			count: g.count,
			open: g.open,
			resolved: g.resolved,
			justified: g.justified,
			unjustified: g.unjustified,
			amounts: money(g.amounts),
			averageOpenAgeDays: num(g.average_open_age_days),
			oldestOpenAgeDays: g.oldest_open_age_days,
			averageResolutionDays: num(g.average_resolution_days),
		})),
		rootCauses: causes.map((c) => ({
			rootCause: c.label,
			count: c.count,
			share: c.total ? Math.round((c.count / c.total) * 1000) / 1000 : 0,
			categories: c.categories,
			justified: c.justified,
			examples: c.examples ?? [],
		})),
	};
}

/**
 * The analysis as flat rows for a CSV or XLSX file, one per group or per root cause: amounts as text per currency
 * ("1200.00 EUR + 300.00 MAD", never summed across currencies), lists joined, and every text cell a spreadsheet
 * would run as a formula neutralised (a customer named "=HYPERLINK(…)", a root cause typed "@SUM(…)" or a dispute's
 * evidence quoted from a customer's e-mail). The group column is named after the dimension (category, customer…).
 */
export function disputeAnalysisRows(
	analysis: DisputeAnalysis,
	kind: 'groups' | 'rootCauses',
	language?: LabelLanguage,
): Array<Record<string, string | number | null>> {
	// with a language, categories and subcategories are named in it (the key column keeps the code)
	const named = language && (analysis.groupBy === 'category' || analysis.groupBy === 'subcategory');
	const amounts = (list: Array<{ currency: string; amount: string }>) =>
		list.map((a) => `${a.amount} ${a.currency}`).join(' + ');
	if (kind === 'groups') {
		return neutraliseRows(
			analysis.groups.map((g) => ({
				[analysis.groupBy]: g.key,
				disputes: g.count,
				open: g.open,
				resolved: g.resolved,
				justified: g.justified,
				amounts: amounts(g.amounts),
				averageOpenAgeDays: g.averageOpenAgeDays,
				averageResolutionDays: g.averageResolutionDays,
				label: named ? disputeKeyLabel(g.key, language) : g.label,
			})),
		);
	}
	return neutraliseRows(
		analysis.rootCauses.map((c) => ({
			rootCause: c.rootCause,
			disputes: c.count,
			share: c.share,
			categories: c.categories
				.map((code) => (language ? disputeCategoryLabel(code, language) : code))
				.join(', '),
			justified: c.justified,
			examples: c.examples
				.map((e) => `${e.customer} (#${e.disputeId}): ${e.evidence || e.resolution || ''}`)
				.join(' | '),
		})),
	);
}
