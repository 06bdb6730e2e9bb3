import { DateTime } from 'luxon';
import { parseAmount } from '../../money';
import type {
	AgedBalance,
	AgedBalanceRow,
	AgedBucket,
	BalanceCleaning,
	CeiReport,
	DaysLateReport,
	DistributionReport,
	DsoReport,
	ReceivablesOverview,
	ReminderResults,
	ReportAmount,
} from '../types';
import type { DisputeAnalysis } from '../../disputes/analysis';
import { disputeKeyLabel } from '../../disputes/labels';
import { stageLabel } from '../../dunning/policyFields';
import { formatDecimal, formatUnits, toUnits } from './format';
import { AGING_PALETTE, layoutBarChart, layoutDonutChart, layoutLineChart } from './layout';
import type { ChartGeometry, Lang, ValueUnit } from './model';

/**
 * What the PDF report and the HTML dashboard show, built once from the figures (core/reports) in the reader's
 * language: sections of key figures, charts (already laid out) and tables of formatted values. The two renderers
 * only place these blocks.
 */
export interface Kpi {
	label: string;
	value: string;
	note?: string;
	tone?: 'good' | 'warn' | 'bad';
}

export type ViewBlock =
	| { kind: 'kpis'; items: Kpi[] }
	| { kind: 'chart'; chart: ChartGeometry }
	| {
			kind: 'table';
			caption?: string;
			head: string[];
			numeric: boolean[];
			rows: string[][];
			more?: string;
	  }
	| { kind: 'note'; text: string };

export interface ViewSection {
	key: 'aged' | 'dso' | 'cleaning' | 'reminders' | 'disputes' | 'distribution';
	title: string;
	blocks: ViewBlock[];
}

export interface ReportViewer {
	name: string;
	level: 1 | 2 | 3;
}

export interface ReportViewOptions {
	language?: Lang;
	/** Company name on the cover and in page headers. */
	company?: string;
	/** Who the report is for (the portal user whose accreditation limits it). */
	viewer?: ReportViewer;
	/** Rows listed per table (default 12); the rest is counted. */
	tableRows?: number;
}

export interface ReportView {
	language: Lang;
	title: string;
	company: string;
	asOf: string;
	asOfText: string;
	/** "Level 2 — Karim Benjelloun: own customers" or "All customers". */
	scopeText: string;
	headline: Kpi[];
	sections: ViewSection[];
}

const L = {
	fr: {
		title: 'Rapport des encaissements clients',
		asOf: 'Situation au',
		all: 'Tous les clients',
		levels: { 1: 'tous les clients', 2: 'ses clients', 3: 'les clients de son équipe' },
		level: 'Habilitation',
		aged: 'Balance âgée',
		dso: 'DSO, CEI et retards de paiement',
		cleaning: 'Nettoyage de la balance',
		reminders: 'Résultats des relances',
		disputes: 'Litiges',
		distribution: 'Distribution des factures',
		open: 'Encours',
		overdue: 'Échu',
		disputed: 'En litige',
		promised: 'Promis',
		invoices: 'Factures',
		notDue: 'Non échu',
		days: 'j',
		over: 'plus de',
		group: 'Groupe',
		none: '(non renseigné)',
		total: 'Total',
		byBucket: 'Encours par tranche d’ancienneté',
		byGroup: 'Balance âgée par',
		groupBy: {
			customer: 'client',
			profile: 'profil',
			sales_rep: 'commercial',
			currency: 'devise',
			none: 'ensemble',
		} as Record<string, string>,
		more: (n: number) => `… et ${n} autre(s) ligne(s) dans les données du rapport.`,
		dsoCb: 'DSO (épuisement)',
		dsoSimple: 'DSO (simple)',
		cei: 'CEI',
		month: 'Mois',
		receivables: 'Créances',
		sales: 'Ventes nettes',
		dsoTrend: 'Évolution du DSO',
		ceiTrend: 'Évolution du CEI (efficacité du recouvrement)',
		daysLate: 'Retard moyen de paiement par client',
		customer: 'Client',
		paid: 'Encaissé',
		avgLate: 'Retard moyen',
		avgPay: 'Délai moyen',
		lateShare: 'Part payée en retard',
		sections: {
			promises: 'Promesses de paiement',
			delay_requests: 'Demandes de délai',
			disputes: 'Litiges ouverts',
			doubtful: 'Créances douteuses',
			unapplied_payments: 'Paiements non affectés',
			ambiguous_payments: 'Paiements ambigus',
		} as Record<string, string>,
		count: 'Nombre',
		amount: 'Montant',
		item: 'Élément',
		invoice: 'Facture',
		date: 'Date',
		lateBy: (n: number) => `${n} j de retard`,
		detail: 'Détail',
		openOnDate: 'Litiges ouverts à date',
		openedInPeriod: 'ouverts du',
		cleaningCounts: 'Points à traiter par nature',
		cleaningItems: 'Premiers points à traiter',
		stage: 'Étape',
		sent: 'Envoyées',
		bounced: 'Rejetées',
		bounceRate: 'Taux de rejet',
		paidWithin: (n: number) => `Payées sous ${n} j`,
		perStage: 'Relances par étape et factures payées ensuite',
		perDay: 'Relances envoyées par jour',
		paidInvoices: 'Factures payées après relance',
		perPaid: 'Relances par facture payée',
		disputeCount: 'Litiges',
		disputeOpen: 'Ouverts',
		disputeResolved: 'Résolus',
		byCategory: 'Litiges par',
		rootCauses: 'Causes racines (litiges résolus)',
		avgAge: 'Âge moyen (ouverts)',
		avgResolution: 'Résolution moyenne',
		causesLabel: 'litiges',
		disputeGroupBy: {
			category: 'catégorie',
			subcategory: 'sous-catégorie',
			customer: 'client',
			sales_rep: 'commercial',
			owner: 'responsable',
			resolution: 'résolution',
			root_cause: 'cause racine',
		} as Record<string, string>,
		zone: 'Zone',
		courier: 'Coursier',
		deliveries: 'Remises',
		delivered: 'Remises effectuées',
		onTime: 'À l’heure',
		delay: 'Retard moyen',
		failed: 'Échecs',
		cost: 'Coût',
		costPer: 'Coût par facture remise',
		onTimeRate: 'Taux de remise à l’heure',
		noData: 'Aucune donnée sur la période.',
		period: 'Période du',
		to: 'au',
		other: 'Autres',
	},
	en: {
		title: 'Receivables report',
		asOf: 'As of',
		all: 'All customers',
		levels: { 1: 'all customers', 2: 'own customers', 3: "their team's customers" },
		level: 'Accreditation',
		aged: 'Aged balance',
		dso: 'DSO, CEI and days late',
		cleaning: 'Balance cleaning',
		reminders: 'Reminder results',
		disputes: 'Disputes',
		distribution: 'Invoice distribution',
		open: 'Open',
		overdue: 'Overdue',
		disputed: 'Disputed',
		promised: 'Promised',
		invoices: 'Invoices',
		notDue: 'Not due',
		days: 'd',
		over: 'over',
		group: 'Group',
		none: '(not set)',
		total: 'Total',
		byBucket: 'Open amount by age bucket',
		byGroup: 'Aged balance by',
		groupBy: {
			customer: 'customer',
			profile: 'profile',
			sales_rep: 'sales rep',
			currency: 'currency',
			none: 'total',
		} as Record<string, string>,
		more: (n: number) => `… and ${n} more row(s) in the report data.`,
		dsoCb: 'DSO (countback)',
		dsoSimple: 'DSO (simple)',
		cei: 'CEI',
		month: 'Month',
		receivables: 'Receivables',
		sales: 'Net sales',
		dsoTrend: 'DSO trend',
		ceiTrend: 'CEI trend (collection effectiveness)',
		daysLate: 'Average days late per customer',
		customer: 'Customer',
		paid: 'Paid',
		avgLate: 'Avg days late',
		avgPay: 'Avg days to pay',
		lateShare: 'Paid late',
		sections: {
			promises: 'Payment promises',
			delay_requests: 'Delay requests',
			disputes: 'Open disputes',
			doubtful: 'Doubtful debts',
			unapplied_payments: 'Unapplied payments',
			ambiguous_payments: 'Ambiguous payments',
		} as Record<string, string>,
		count: 'Count',
		amount: 'Amount',
		item: 'Item',
		invoice: 'Invoice',
		date: 'Date',
		lateBy: (n: number) => `${n} d late`,
		detail: 'Detail',
		openOnDate: 'Disputes open on the date',
		openedInPeriod: 'opened from',
		cleaningCounts: 'Items to clean by kind',
		cleaningItems: 'First items to clean',
		stage: 'Stage',
		sent: 'Sent',
		bounced: 'Bounced',
		bounceRate: 'Bounce rate',
		paidWithin: (n: number) => `Paid within ${n} d`,
		perStage: 'Reminders per stage and invoices paid afterwards',
		perDay: 'Reminders sent per day',
		paidInvoices: 'Invoices paid after a reminder',
		perPaid: 'Reminders per paid invoice',
		disputeCount: 'Disputes',
		disputeOpen: 'Open',
		disputeResolved: 'Resolved',
		byCategory: 'Disputes by',
		rootCauses: 'Root causes (resolved disputes)',
		avgAge: 'Avg age (open)',
		avgResolution: 'Avg resolution',
		causesLabel: 'disputes',
		disputeGroupBy: {
			category: 'category',
			subcategory: 'subcategory',
			customer: 'customer',
			sales_rep: 'sales rep',
			owner: 'owner',
			resolution: 'resolution',
			root_cause: 'root cause',
		} as Record<string, string>,
		zone: 'Zone',
		courier: 'Courier',
		deliveries: 'Deliveries',
		delivered: 'Delivered',
		onTime: 'On time',
		delay: 'Avg delay',
		failed: 'Failed',
		cost: 'Cost',
		costPer: 'Cost per delivered invoice',
		onTimeRate: 'Delivered on time',
		noData: 'No data for the period.',
		period: 'Period',
		to: 'to',
		other: 'Other',
	},
};

type Labels = (typeof L)['fr'];

const minorOf = (a: ReportAmount | null | undefined): bigint => (a ? BigInt(a.minor) : 0n);
const money = (currency: string): ValueUnit => ({ kind: 'money', currency });

function fmtMoney(a: ReportAmount | null | undefined, lang: Lang): string {
	return a ? formatUnits(BigInt(a.minor), money(a.currency), lang) : '—';
}

function fmtNumber(value: number | null | undefined, unit: ValueUnit, lang: Lang): string {
	const units = toUnits(value, unit);
	return units === null ? '—' : formatUnits(units, unit, lang);
}

/** A share 0..1 as a percentage. */
function fmtShare(value: number | null | undefined, lang: Lang): string {
	return value === null || value === undefined
		? '—'
		: fmtNumber(value * 100, { kind: 'percent' }, lang);
}

export function formatReportDate(iso: string, lang: Lang, pattern = 'd LLLL yyyy'): string {
	const d = DateTime.fromISO(iso, { zone: 'UTC' });
	return d.isValid ? d.setLocale(lang).toFormat(pattern) : iso;
}

/** "Not due", "1–30 d", "31–60 d", "> 90 d" (French: "Non échu", "1–30 j", "> 90 j"). */
export function bucketLabel(bucket: AgedBucket, lang: Lang): string {
	const t = L[lang];
	if (bucket.toDays !== null && bucket.toDays <= 0) return t.notDue;
	if (bucket.toDays === null) return `> ${Math.max(0, (bucket.fromDays ?? 1) - 1)} ${t.days}`;
	return `${bucket.fromDays ?? 1}–${bucket.toDays} ${t.days}`;
}

function groupName(row: { key: string; label: string | null }, t: Labels): string {
	if (row.label && row.key && row.label !== row.key) return `${row.label} (${row.key})`;
	return row.label || row.key || t.none;
}

function more(total: number, shown: number, t: Labels): string | undefined {
	return total > shown ? t.more(total - shown) : undefined;
}

function currenciesOf<T extends { currency: string | null }>(rows: T[]): string[] {
	return [...new Set(rows.map((r) => r.currency).filter((c): c is string => !!c))];
}

/** Currencies charted in each part; further currencies are shown as figures and tables. */
const CHARTED_CURRENCIES = 3;

/** Aged balance totals with the main currency first (the one with the most open invoices). */
function byMainCurrency(totals: AgedBalanceRow[]): AgedBalanceRow[] {
	return [...totals].sort(
		(a, b) => b.invoices - a.invoices || a.currency.localeCompare(b.currency),
	);
}

/** `currencies` in the order of the aged balance (main currency first), then any other alphabetically. */
function inCurrencyOrder(currencies: string[], aged: AgedBalance): string[] {
	const order = byMainCurrency(aged.totals).map((r) => r.currency);
	const rank = (c: string) => (order.includes(c) ? order.indexOf(c) : order.length);
	return [...currencies].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function agedSection(aged: AgedBalance, lang: Lang, limit: number): ViewSection {
	const t = L[lang];
	const blocks: ViewBlock[] = [];
	const labels = aged.buckets.map((b) => bucketLabel(b, lang));
	const colors = aged.buckets.map((_, i) => AGING_PALETTE[Math.min(i, AGING_PALETTE.length - 1)]);
	if (!aged.totals.length) blocks.push({ kind: 'note', text: t.noData });
	for (const [rank, total] of byMainCurrency(aged.totals).entries()) {
		const c = total.currency;
		const open = minorOf(total.open);
		const share = open > 0n ? Number((minorOf(total.overdue) * 1000n) / open) / 10 : null;
		blocks.push({
			kind: 'kpis',
			items: [
				{
					label: `${t.open} (${c})`,
					value: fmtMoney(total.open, lang),
					note: invoiceCount(total.invoices, lang),
				},
				{
					label: t.overdue,
					value: fmtMoney(total.overdue, lang),
					note: share === null ? undefined : fmtNumber(share, { kind: 'percent' }, lang),
					tone:
						share !== null && share > 50 ? 'bad' : share !== null && share > 25 ? 'warn' : 'good',
				},
				{ label: t.disputed, value: fmtMoney(total.disputed, lang) },
				{ label: t.promised, value: fmtMoney(total.promised, lang) },
			],
		});
		// Charts for the main currencies; the others (a few invoices each) keep their figures and table.
		if (rank < CHARTED_CURRENCIES)
			blocks.push({
				kind: 'chart',
				chart: layoutBarChart({
					type: 'bar',
					id: `aged-buckets-${c.toLowerCase()}`,
					title: `${t.byBucket} (${c})`,
					language: lang,
					unit: money(c),
					categories: labels,
					series: [
						{ key: 'open', label: t.open, values: total.buckets.map((b) => b.minor), colors },
					],
					height: 250,
				}),
			});
		const rows = aged.rows.filter(
			(r) => r.currency === c && aged.groupBy !== 'none' && aged.groupBy !== 'currency',
		);
		if (rows.length > 1 && rank < CHARTED_CURRENCIES) {
			const top = rows.slice(0, 10);
			blocks.push({
				kind: 'chart',
				chart: layoutBarChart({
					type: 'bar',
					id: `aged-groups-${c.toLowerCase()}`,
					title: `${t.byGroup} ${t.groupBy[aged.groupBy]} (${c})`,
					language: lang,
					unit: money(c),
					horizontal: true,
					stacked: true,
					categories: top.map((r) => r.label || r.key || t.none),
					series: aged.buckets.map((b, i) => ({
						key: b.key.replace(/[^A-Za-z0-9_-]/g, '_'),
						label: labels[i],
						color: colors[i],
						values: top.map((r) => r.buckets[i]?.minor ?? null),
					})),
				}),
			});
		}
		const listed: AgedBalanceRow[] = rows.length > 1 ? rows : [total];
		blocks.push({
			kind: 'table',
			caption: `${t.aged} — ${t.groupBy[aged.groupBy]} (${c})`,
			head: [t.group, t.open, ...labels, t.disputed, t.promised],
			numeric: [false, true, ...labels.map(() => true), true, true],
			rows: listed
				.slice(0, limit)
				.map((r) => [
					rows.length > 1 ? groupName(r, t) : t.total,
					fmtMoney(r.open, lang),
					...r.buckets.map((b) => fmtMoney(b, lang)),
					fmtMoney(r.disputed, lang),
					fmtMoney(r.promised, lang),
				]),
			more: more(listed.length, limit, t),
		});
	}
	return {
		key: 'aged',
		title: `${t.aged} — ${t.asOf.toLowerCase()} ${formatReportDate(aged.asOf, lang)}`,
		blocks,
	};
}

function lastValue<T>(points: T[], pick: (p: T) => number | null): number | null {
	for (let i = points.length - 1; i >= 0; i--) {
		const v = pick(points[i]);
		if (v !== null && v !== undefined) return v;
	}
	return null;
}

function dsoSection(
	dso: DsoReport,
	dsoSimple: DsoReport,
	cei: CeiReport,
	daysLate: DaysLateReport,
	aged: AgedBalance,
	lang: Lang,
	limit: number,
): ViewSection {
	const t = L[lang];
	const blocks: ViewBlock[] = [];
	const days: ValueUnit = { kind: 'days' };
	const percent: ValueUnit = { kind: 'percent' };
	const currencies = inCurrencyOrder(currenciesOf([...dso.points, ...cei.points]), aged);
	if (!currencies.length) blocks.push({ kind: 'note', text: t.noData });
	for (const [rank, c] of currencies.entries()) {
		const cb = dso.points.filter((p) => p.currency === c);
		const simple = dsoSimple.points.filter((p) => p.currency === c);
		const ceiPoints = cei.points.filter((p) => p.currency === c);
		const months = [...new Set([...cb, ...simple, ...ceiPoints].map((p) => p.month))].sort();
		const at = <T extends { month: string }>(list: T[], month: string) =>
			list.find((p) => p.month === month);
		const cbLast = lastValue(cb, (p) => p.dso);
		const ceiLast = lastValue(ceiPoints, (p) => p.cei);
		blocks.push({
			kind: 'kpis',
			items: [
				{ label: `${t.dsoCb} (${c})`, value: fmtNumber(cbLast, days, lang) },
				{
					label: t.dsoSimple,
					value: fmtNumber(
						lastValue(simple, (p) => p.dso),
						days,
						lang,
					),
				},
				{
					label: t.cei,
					value: fmtNumber(ceiLast, percent, lang),
					tone:
						ceiLast === null ? undefined : ceiLast >= 80 ? 'good' : ceiLast >= 60 ? 'warn' : 'bad',
				},
			],
		});
		const monthLabels = months.map((m) => formatReportDate(`${m}-01`, lang, 'LLL yy'));
		if (rank < CHARTED_CURRENCIES)
			blocks.push({
				kind: 'chart',
				chart: layoutLineChart({
					type: 'line',
					id: `dso-trend-${c.toLowerCase()}`,
					title: `${t.dsoTrend} (${c})`,
					language: lang,
					unit: days,
					categories: monthLabels,
					series: [
						{ key: 'countback', label: t.dsoCb, values: months.map((m) => at(cb, m)?.dso ?? null) },
						{
							key: 'simple',
							label: t.dsoSimple,
							values: months.map((m) => at(simple, m)?.dso ?? null),
						},
					],
				}),
			});
		if (rank < CHARTED_CURRENCIES)
			blocks.push({
				kind: 'chart',
				chart: layoutLineChart({
					type: 'line',
					id: `cei-trend-${c.toLowerCase()}`,
					title: `${t.ceiTrend} (${c})`,
					language: lang,
					unit: percent,
					categories: monthLabels,
					height: 220,
					series: [
						{
							key: 'cei',
							label: t.cei,
							color: '#009e73',
							values: months.map((m) => at(ceiPoints, m)?.cei ?? null),
						},
					],
				}),
			});
		blocks.push({
			kind: 'table',
			caption: `${t.dsoTrend} (${c})`,
			head: [t.month, t.receivables, t.sales, t.dsoCb, t.dsoSimple, t.cei],
			numeric: [false, true, true, true, true, true],
			rows: months.map((m, i) => {
				const p = at(cb, m);
				return [
					monthLabels[i],
					fmtMoney(p?.receivables, lang),
					fmtMoney(p?.sales, lang),
					fmtNumber(p?.dso, days, lang),
					fmtNumber(at(simple, m)?.dso, days, lang),
					fmtNumber(at(ceiPoints, m)?.cei, percent, lang),
				];
			}),
		});
	}
	const late = [...daysLate.rows].sort((a, b) => b.averageDaysLate - a.averageDaysLate);
	if (late.length) {
		const top = late.slice(0, 10);
		blocks.push({
			kind: 'chart',
			chart: layoutBarChart({
				type: 'bar',
				id: 'days-late',
				title: t.daysLate,
				language: lang,
				unit: days,
				horizontal: true,
				categories: top.map((r) => r.customerName || r.customer),
				series: [
					{
						key: 'days-late',
						label: t.avgLate,
						color: '#d55e00',
						values: top.map((r) => r.averageDaysLate),
					},
				],
			}),
		});
		blocks.push({
			kind: 'table',
			caption: `${t.daysLate} — ${t.period.toLowerCase()} ${formatReportDate(daysLate.from, lang, 'dd/MM/yyyy')} ${t.to} ${formatReportDate(daysLate.to, lang, 'dd/MM/yyyy')}`,
			head: [t.customer, t.invoices, t.paid, t.avgLate, t.avgPay, t.lateShare],
			numeric: [false, true, true, true, true, true],
			rows: late
				.slice(0, limit)
				.map((r) => [
					groupName({ key: r.customer, label: r.customerName }, t),
					String(r.invoices),
					fmtMoney(r.paid, lang),
					fmtNumber(r.averageDaysLate, days, lang),
					fmtNumber(r.averageDaysToPay, days, lang),
					fmtShare(r.lateShare, lang),
				]),
			more: more(late.length, limit, t),
		});
	}
	return { key: 'dso', title: t.dso, blocks };
}

function totalsText(totals: ReportAmount[], lang: Lang): string {
	return totals.length ? totals.map((a) => fmtMoney(a, lang)).join(' · ') : '—';
}

function cleaningSection(cleaning: BalanceCleaning, lang: Lang, limit: number): ViewSection {
	const t = L[lang];
	const blocks: ViewBlock[] = [];
	const sections = cleaning.sections;
	blocks.push({
		kind: 'kpis',
		items: sections.map((s) => ({
			label: t.sections[s.key] ?? s.key,
			value: String(s.count),
			note: s.totals.length ? totalsText(s.totals, lang) : undefined,
			tone:
				s.count === 0
					? 'good'
					: s.key === 'doubtful' || s.key === 'ambiguous_payments'
						? 'bad'
						: 'warn',
		})),
	});
	if (sections.some((s) => s.count > 0)) {
		blocks.push({
			kind: 'chart',
			chart: layoutBarChart({
				type: 'bar',
				id: 'cleaning-counts',
				title: t.cleaningCounts,
				language: lang,
				unit: { kind: 'count' },
				horizontal: true,
				categories: sections.map((s) => t.sections[s.key] ?? s.key),
				series: [
					{ key: 'count', label: t.count, color: '#cc79a7', values: sections.map((s) => s.count) },
				],
			}),
		});
	}
	const perSection = Math.max(
		1,
		Math.ceil(limit / Math.max(1, sections.filter((s) => s.items.length).length)),
	);
	const rows: string[][] = [];
	for (const s of sections) {
		for (const item of s.items.slice(0, perSection)) {
			rows.push([
				t.sections[s.key] ?? s.key,
				groupName({ key: item.customer, label: item.customerName }, t),
				item.invoiceNumber ?? '—',
				fmtMoney(item.amount, lang),
				// one kind of value per column: a date in Date (the item's own, else the due date), days late in Detail
				(item.date ?? item.dueDate)
					? formatReportDate((item.date ?? item.dueDate) as string, lang, 'dd/MM/yyyy')
					: '—',
				[
					item.daysOverdue !== null ? t.lateBy(item.daysOverdue) : '',
					(s.key === 'disputes' ? disputeKeyLabel(item.detail, lang) : item.detail) ?? '',
				]
					.filter(Boolean)
					.join(' · '),
			]);
		}
	}
	const count = sections.reduce((a, s) => a + s.count, 0);
	if (rows.length)
		blocks.push({
			kind: 'table',
			caption: t.cleaningItems,
			head: [t.item, t.customer, t.invoice, t.amount, t.date, t.detail],
			numeric: [false, false, false, true, true, false],
			rows,
			more: more(count, rows.length, t),
		});
	return { key: 'cleaning', title: t.cleaning, blocks };
}

function remindersSection(reminders: ReminderResults, lang: Lang): ViewSection {
	const t = L[lang];
	const blocks: ViewBlock[] = [];
	const count: ValueUnit = { kind: 'count' };
	const sent = reminders.stages.reduce((a, s) => a + s.sent, 0);
	const bounced = reminders.stages.reduce((a, s) => a + s.bounced, 0);
	blocks.push({
		kind: 'kpis',
		items: [
			{
				label: t.sent,
				value: String(sent),
				note: `${t.period} ${formatReportDate(reminders.from, lang, 'dd/MM')} ${t.to} ${formatReportDate(reminders.to, lang, 'dd/MM/yyyy')}`,
			},
			{
				label: t.bounceRate,
				value: sent ? fmtShare(bounced / sent, lang) : '—',
				tone: sent && bounced / sent > 0.05 ? 'warn' : 'good',
			},
			{ label: t.paidInvoices, value: String(reminders.paidInvoices) },
			{
				label: t.perPaid,
				value:
					reminders.remindersPerPaidInvoice === null
						? '—'
						: formatDecimal(reminders.remindersPerPaidInvoice, lang),
			},
		],
	});
	if (!reminders.stages.length) {
		blocks.push({ kind: 'note', text: t.noData });
		return { key: 'reminders', title: t.reminders, blocks };
	}
	const windows = reminders.stages[0].paidWithin.map((p) => p.days);
	const stageNames = reminders.stages.map((s) => stageLabel(s.stage, lang));
	blocks.push({
		kind: 'chart',
		chart: layoutBarChart({
			type: 'bar',
			id: 'reminder-stages',
			title: t.perStage,
			language: lang,
			unit: count,
			categories: stageNames,
			totals: false,
			series: [
				{ key: 'sent', label: t.sent, values: reminders.stages.map((s) => s.sent) },
				{
					key: 'bounced',
					label: t.bounced,
					color: '#d55e00',
					values: reminders.stages.map((s) => s.bounced),
				},
				...windows.map((d, i) => ({
					key: `paid-${d}`,
					label: t.paidWithin(d),
					color: ['#009e73', '#56b4e9', '#7a6a2c'][i % 3],
					values: reminders.stages.map((s) => s.paidWithin[i]?.count ?? 0),
				})),
			],
		}),
	});
	const byDay = new Map<string, number>();
	for (const v of reminders.volumes) byDay.set(v.day, (byDay.get(v.day) ?? 0) + v.sent);
	const days = [...byDay.keys()].sort();
	if (days.length > 1) {
		blocks.push({
			kind: 'chart',
			chart: layoutLineChart({
				type: 'line',
				id: 'reminder-days',
				title: t.perDay,
				language: lang,
				unit: count,
				height: 200,
				categories: days.map((d) => formatReportDate(d, lang, 'dd/MM')),
				series: [{ key: 'sent', label: t.sent, values: days.map((d) => byDay.get(d) ?? 0) }],
			}),
		});
	}
	blocks.push({
		kind: 'table',
		caption: t.perStage,
		head: [t.stage, t.sent, t.bounced, t.bounceRate, ...windows.map((d) => t.paidWithin(d))],
		numeric: [false, true, true, true, ...windows.map(() => true)],
		rows: reminders.stages.map((s, i) => [
			stageNames[i],
			String(s.sent),
			String(s.bounced),
			fmtShare(s.bounceRate, lang),
			...s.paidWithin.map((p) => `${p.count} (${fmtShare(p.share, lang)})`),
		]),
	});
	return { key: 'reminders', title: t.reminders, blocks };
}

function amountsText(amounts: Array<{ currency: string; amount: string }>, lang: Lang): string {
	return amounts.length
		? amounts
				.map((a) => formatUnits(parseAmount(a.amount, a.currency), money(a.currency), lang))
				.join(' · ')
		: '—';
}

/** "1 facture", "65 factures" / "1 invoice", "65 invoices". */
function invoiceCount(n: number, lang: Lang): string {
	return lang === 'fr' ? `${n} facture${n > 1 ? 's' : ''}` : `${n} invoice${n === 1 ? '' : 's'}`;
}

/** A dispute group's name in the page's language: categories and subcategories named from the one label table, other groups by their own label. */
function groupLabel(
	g: { key: string; label?: string | null },
	groupBy: string,
	t: (typeof L)[Lang],
	lang: Lang,
): string {
	if ((groupBy === 'category' || groupBy === 'subcategory') && g.key)
		return disputeKeyLabel(g.key, lang);
	return g.label || g.key || t.none;
}

function disputesSection(disputes: DisputeAnalysis, lang: Lang, limit: number): ViewSection {
	const t = L[lang];
	const blocks: ViewBlock[] = [];
	const days: ValueUnit = { kind: 'days' };
	blocks.push({
		kind: 'kpis',
		items: [
			{
				label: t.disputeCount,
				value: String(disputes.totals.count),
				note: amountsText(disputes.totals.amounts, lang),
			},
			{
				label: t.disputeOpen,
				value: String(disputes.totals.open),
				tone: disputes.totals.open ? 'warn' : 'good',
			},
			{ label: t.disputeResolved, value: String(disputes.totals.resolved) },
		],
	});
	const groups = [...disputes.groups].sort((a, b) => b.count - a.count);
	if (!groups.length) blocks.push({ kind: 'note', text: t.noData });
	else {
		const shown = groups.slice(0, 7);
		const rest = groups.slice(7).reduce((a, g) => a + g.count, 0);
		blocks.push({
			kind: 'chart',
			chart: layoutDonutChart({
				type: 'donut',
				id: 'disputes-by-group',
				title: `${t.byCategory} ${t.disputeGroupBy[disputes.groupBy] ?? disputes.groupBy}`,
				language: lang,
				unit: { kind: 'count' },
				centerLabel: t.causesLabel,
				slices: [
					...shown.map((g) => ({
						key: g.key.replace(/[^A-Za-z0-9_-]/g, '_') || 'none',
						label: groupLabel(g, disputes.groupBy, t, lang),
						value: g.count,
					})),
					...(rest ? [{ key: 'other', label: t.other, value: rest }] : []),
				],
			}),
		});
	}
	if (disputes.rootCauses.length) {
		const causes = disputes.rootCauses.slice(0, 10);
		blocks.push({
			kind: 'chart',
			chart: layoutBarChart({
				type: 'bar',
				id: 'dispute-root-causes',
				title: t.rootCauses,
				language: lang,
				unit: { kind: 'count' },
				horizontal: true,
				categories: causes.map((c) => c.rootCause),
				series: [
					{ key: 'count', label: t.count, color: '#cc79a7', values: causes.map((c) => c.count) },
				],
			}),
		});
	}
	if (groups.length) {
		blocks.push({
			kind: 'table',
			caption: `${t.byCategory} ${t.disputeGroupBy[disputes.groupBy] ?? disputes.groupBy}`,
			head: [
				t.group,
				t.disputeCount,
				t.disputeOpen,
				t.disputeResolved,
				t.amount,
				t.avgAge,
				t.avgResolution,
			],
			numeric: [false, true, true, true, true, true, true],
			rows: groups
				.slice(0, limit)
				.map((g) => [
					groupLabel(g, disputes.groupBy, t, lang),
					String(g.count),
					String(g.open),
					String(g.resolved),
					amountsText(g.amounts, lang),
					fmtNumber(g.averageOpenAgeDays, days, lang),
					fmtNumber(g.averageResolutionDays, days, lang),
				]),
			more: more(groups.length, limit, t),
		});
	}
	// The period of this section, said in its title: the page's headline counts every dispute open on the date.
	const period =
		disputes.from && disputes.to
			? ` — ${t.openedInPeriod} ${formatReportDate(disputes.from, lang, 'dd/MM/yyyy')} ${t.to} ${formatReportDate(disputes.to, lang, 'dd/MM/yyyy')}`
			: '';
	return { key: 'disputes', title: `${t.disputes}${period}`, blocks };
}

function distributionSection(
	distribution: DistributionReport,
	aged: AgedBalance,
	lang: Lang,
	limit: number,
): ViewSection {
	const t = L[lang];
	const blocks: ViewBlock[] = [];
	const rows = distribution.rows;
	const sum = (pick: (r: (typeof rows)[number]) => number) => rows.reduce((a, r) => a + pick(r), 0);
	const delivered = sum((r) => r.delivered);
	const onTime = sum((r) => r.onTime);
	blocks.push({
		kind: 'kpis',
		items: [
			{
				label: t.deliveries,
				value: String(sum((r) => r.deliveries)),
				note: `${t.period} ${formatReportDate(distribution.from, lang, 'dd/MM')} ${t.to} ${formatReportDate(distribution.to, lang, 'dd/MM/yyyy')}`,
			},
			{ label: t.delivered, value: String(delivered) },
			{
				label: t.onTimeRate,
				value: delivered ? fmtShare(onTime / delivered, lang) : '—',
				tone: !delivered
					? undefined
					: onTime / delivered >= 0.9
						? 'good'
						: onTime / delivered >= 0.7
							? 'warn'
							: 'bad',
			},
			{ label: t.failed, value: String(sum((r) => r.failed)) },
		],
	});
	if (!rows.length) {
		blocks.push({ kind: 'note', text: t.noData });
		return { key: 'distribution', title: t.distribution, blocks };
	}
	const name = (r: (typeof rows)[number]) => (r.courier ? `${r.zone} · ${r.courier}` : r.zone);
	for (const c of inCurrencyOrder(
		currenciesOf(rows.map((r) => ({ currency: r.costPerDelivered?.currency ?? null }))),
		aged,
	).slice(0, CHARTED_CURRENCIES)) {
		const costed = rows.filter((r) => r.costPerDelivered?.currency === c).slice(0, 12);
		blocks.push({
			kind: 'chart',
			chart: layoutBarChart({
				type: 'bar',
				id: `distribution-cost-${c.toLowerCase()}`,
				title: `${t.costPer} (${c})`,
				language: lang,
				unit: money(c),
				horizontal: true,
				categories: costed.map(name),
				series: [
					{
						key: 'cost-per-delivered',
						label: t.costPer,
						color: '#56b4e9',
						values: costed.map((r) => r.costPerDelivered?.minor ?? null),
					},
				],
			}),
		});
	}
	const rated = rows.filter((r) => r.onTimeRate !== null).slice(0, 12);
	if (rated.length) {
		blocks.push({
			kind: 'chart',
			chart: layoutBarChart({
				type: 'bar',
				id: 'distribution-on-time',
				title: t.onTimeRate,
				language: lang,
				unit: { kind: 'percent' },
				horizontal: true,
				categories: rated.map(name),
				series: [
					{
						key: 'on-time',
						label: t.onTimeRate,
						color: '#009e73',
						values: rated.map((r) => (r.onTimeRate ?? 0) * 100),
					},
				],
			}),
		});
	}
	blocks.push({
		kind: 'table',
		caption: t.distribution,
		head: [
			t.zone,
			t.courier,
			t.deliveries,
			t.delivered,
			t.onTime,
			t.delay,
			t.failed,
			t.cost,
			t.costPer,
		],
		numeric: [false, false, true, true, true, true, true, true, true],
		rows: rows
			.slice(0, limit)
			.map((r) => [
				r.zone,
				r.courier ?? '—',
				String(r.deliveries),
				String(r.delivered),
				fmtShare(r.onTimeRate, lang),
				fmtNumber(r.averageDelayDays, { kind: 'days' }, lang),
				String(r.failed),
				fmtMoney(r.cost, lang),
				fmtMoney(r.costPerDelivered, lang),
			]),
		more: more(rows.length, limit, t),
	});
	return { key: 'distribution', title: t.distribution, blocks };
}

/** The report's content in one language, from the overview of every figure. */
export function buildReportView(
	overview: ReceivablesOverview,
	options: ReportViewOptions = {},
): ReportView {
	const lang = options.language ?? 'fr';
	const t = L[lang];
	const limit = Math.max(1, options.tableRows ?? 12);
	const viewer = options.viewer;
	const level = viewer?.level ?? overview.scope?.level ?? 1;
	const scopeText = viewer
		? `${t.level} ${level} — ${viewer.name} : ${t.levels[level]}`.replace(
				' :',
				lang === 'fr' ? ' :' : ':',
			)
		: level === 1
			? t.all
			: `${t.level} ${level} — ${t.levels[level]}`;
	const sections = [
		agedSection(overview.aged, lang, limit),
		dsoSection(
			overview.dso,
			overview.dsoSimple,
			overview.cei,
			overview.daysLate,
			overview.aged,
			lang,
			limit,
		),
		cleaningSection(overview.cleaning, lang, limit),
		remindersSection(overview.reminders, lang),
		disputesSection(overview.disputes, lang, limit),
		distributionSection(overview.distribution, overview.aged, lang, limit),
	];
	const headline: Kpi[] = [];
	const main = byMainCurrency(overview.aged.totals)[0];
	if (main) {
		headline.push({
			label: `${t.open} (${main.currency})`,
			value: fmtMoney(main.open, lang),
			note: invoiceCount(main.invoices, lang),
		});
		headline.push({ label: t.overdue, value: fmtMoney(main.overdue, lang) });
		const cb = lastValue(
			overview.dso.points.filter((p) => p.currency === main.currency),
			(p) => p.dso,
		);
		headline.push({ label: t.dsoCb, value: fmtNumber(cb, { kind: 'days' }, lang) });
		const cei = lastValue(
			overview.cei.points.filter((p) => p.currency === main.currency),
			(p) => p.cei,
		);
		headline.push({ label: t.cei, value: fmtNumber(cei, { kind: 'percent' }, lang) });
	}
	// One definition across the page: every dispute open on the date (balance cleaning's), not only those opened in the
	// disputes section's period.
	const openDisputes = overview.cleaning.sections.find((x) => x.key === 'disputes');
	headline.push({
		label: t.openOnDate,
		value: String(openDisputes ? openDisputes.count : overview.disputes.totals.open),
	});
	return {
		language: lang,
		title: t.title,
		company: options.company ?? '',
		asOf: overview.asOf,
		asOfText: `${t.asOf} ${formatReportDate(overview.asOf, lang)}`,
		scopeText,
		headline,
		sections,
	};
}
