import type { IDataObject } from 'n8n-workflow';
import type {
	AgedBalance,
	AgedBalanceRow,
	BalanceCleaning,
	CeiReport,
	DaysLateReport,
	DisputeReport,
	DistributionReport,
	DsoReport,
	NetReceivables,
	NetReceivablesRow,
	ReminderResults,
	ReportAmount,
} from '../../../core';
import { disputeCategoryLabel, disputeKeyLabel, neutraliseRows } from '../../../core';

/**
 * Flat rows for spreadsheets (CSV, XLSX, Google Sheets): one level of keys, every row of a report with the same keys
 * in the same order, amounts as decimal strings with "." (the row's currency in its own column), no nested objects.
 */
export type Row = IDataObject;
type Cell = string | number | boolean | null;

const amount = (a: ReportAmount | null | undefined): string | null => (a ? a.amount : null);

function agedRow(
	asOf: string,
	groupBy: string,
	r: AgedBalanceRow,
	bucketKeys: string[],
	line: 'group' | 'total',
): Row {
	const row: Record<string, Cell> = {
		asOf,
		groupBy,
		line,
		key: r.key,
		label: r.label,
		currency: r.currency,
		invoices: r.invoices,
		open: r.open.amount,
	};
	bucketKeys.forEach((key, k) => (row[key] = r.buckets[k]?.amount ?? '0'));
	Object.assign(row, {
		overdue: r.overdue.amount,
		disputed: r.disputed.amount,
		promised: r.promised.amount,
	});
	if (r.net)
		Object.assign(row, {
			creditNotes: amount(r.creditNotes),
			unappliedCash: amount(r.unappliedCash),
			net: amount(r.net),
		});
	return row;
}

/** One row per group and currency, then (unless grouped by currency or not at all) one total row per currency. */
export function agedBalanceRows(report: AgedBalance, withTotals = true): Row[] {
	const keys = report.buckets.map((b) => b.key);
	const rows = report.rows.map((r) => agedRow(report.asOf, report.groupBy, r, keys, 'group'));
	if (withTotals && report.groupBy !== 'currency' && report.groupBy !== 'none') {
		rows.push(...report.totals.map((r) => agedRow(report.asOf, report.groupBy, r, keys, 'total')));
	}
	return rows;
}

function netRow(asOf: string, line: 'customer' | 'total', r: NetReceivablesRow): Row {
	return {
		asOf,
		line,
		key: r.key,
		label: r.label,
		currency: r.currency,
		openInvoices: r.invoices.amount,
		creditNotes: r.creditNotes.amount,
		unappliedCash: r.unappliedCash.amount,
		net: r.net.amount,
		creditBalance: r.creditBalance.amount,
	};
}

/**
 * Net receivables: one row per customer and currency (key '' for payments whose payer is not identified), then one
 * total row per currency; grouped by nothing, the total rows only.
 */
export function netReceivablesRows(report: NetReceivables, withTotals = true): Row[] {
	const rows = report.rows.map((r) => netRow(report.asOf, 'customer', r));
	if (withTotals || !report.rows.length)
		rows.push(...report.totals.map((r) => netRow(report.asOf, 'total', r)));
	return rows;
}

/** One row per month and currency: receivables, sales, DSO by both methods and the CEI of the month. */
export function dsoCeiRows(countback: DsoReport, simple: DsoReport, cei: CeiReport): Row[] {
	const byKey = new Map<string, Record<string, Cell>>();
	const at = (month: string, currency: string, date: string) => {
		const key = `${month}|${currency}`;
		let row = byKey.get(key);
		if (!row) {
			row = {
				month,
				date,
				currency,
				receivables: null,
				sales: null,
				dsoCountback: null,
				dsoSimple: null,
				cei: null,
				ceiBeginning: null,
				ceiEnding: null,
				ceiEndingCurrent: null,
			};
			byKey.set(key, row);
		}
		return row;
	};
	for (const p of countback.points)
		Object.assign(at(p.month, p.currency, p.date), {
			receivables: p.receivables.amount,
			sales: p.sales.amount,
			dsoCountback: p.dso,
		});
	for (const p of simple.points)
		Object.assign(at(p.month, p.currency, p.date), {
			receivables: p.receivables.amount,
			dsoSimple: p.dso,
		});
	for (const p of cei.points) {
		const row = at(p.month, p.currency, p.to);
		Object.assign(row, {
			sales: row.sales ?? p.sales.amount,
			cei: p.cei,
			ceiBeginning: p.beginning.amount,
			ceiEnding: p.ending.amount,
			ceiEndingCurrent: p.endingCurrent.amount,
		});
	}
	return [...byKey.values()].sort(
		(a, b) =>
			String(a.currency).localeCompare(String(b.currency)) ||
			String(a.month).localeCompare(String(b.month)),
	);
}

export function daysLateRows(report: DaysLateReport): Row[] {
	return report.rows.map((r) => ({
		from: report.from,
		to: report.to,
		customer: r.customer,
		customerName: r.customerName,
		currency: r.currency,
		invoices: r.invoices,
		paid: r.paid.amount,
		averageDaysLate: r.averageDaysLate,
		averageDaysToPay: r.averageDaysToPay,
		lateShare: r.lateShare,
	}));
}

/** `items`: one row per promise, request, dispute, doubtful invoice or payment; `sections`: counts and totals. */
export function balanceCleaningRows(
	report: BalanceCleaning,
	view: 'items' | 'sections',
	language?: 'fr' | 'en',
): Row[] {
	if (view === 'sections') {
		return report.sections.flatMap((s) =>
			(s.totals.length ? s.totals : [null]).map((t) => ({
				asOf: report.asOf,
				section: s.key,
				count: s.count,
				currency: t?.currency ?? null,
				total: amount(t),
			})),
		);
	}
	return report.sections.flatMap((s) =>
		s.items.map((item) => ({
			asOf: report.asOf,
			section: s.key,
			customer: item.customer,
			customerName: item.customerName,
			salesRep: item.salesRep,
			invoiceNumber: item.invoiceNumber,
			currency: item.amount?.currency ?? null,
			amount: amount(item.amount),
			dueDate: item.dueDate,
			daysOverdue: item.daysOverdue,
			date: item.date,
			// a dispute's detail is its kind, named in the rows' language
			detail:
				s.key === 'disputes' && language ? disputeKeyLabel(item.detail, language) : item.detail,
			ref: item.ref,
		})),
	);
}

/** `stages`: results per stage (period figures repeated on each row); `volumes`: per day, stage and channel. */
export function reminderResultsRows(report: ReminderResults, view: 'stages' | 'volumes'): Row[] {
	if (view === 'volumes')
		return report.volumes.map((v) => ({
			day: v.day,
			stage: v.stage,
			channel: v.channel,
			sent: v.sent,
			bounced: v.bounced,
			failed: v.failed,
		}));
	return report.stages.map((s) => {
		const row: Record<string, Cell> = {
			from: report.from,
			to: report.to,
			stage: s.stage,
			sent: s.sent,
			bounced: s.bounced,
			bounceRate: s.bounceRate,
		};
		for (const p of s.paidWithin) {
			row[`paidWithin${p.days}Days`] = p.count;
			row[`paidWithin${p.days}DaysShare`] = p.share;
		}
		Object.assign(row, {
			paidInvoices: report.paidInvoices,
			remindersPerPaidInvoice: report.remindersPerPaidInvoice,
		});
		return row;
	});
}

/** `groups`: one row per group with an amount column per currency; `rootCauses`: the most frequent causes. */
export function disputeRows(
	report: DisputeReport,
	view: 'groups' | 'rootCauses',
	language?: 'fr' | 'en',
): Row[] {
	const named = language && (report.groupBy === 'category' || report.groupBy === 'subcategory');
	if (view === 'rootCauses') {
		return report.rootCauses.map((c) => ({
			rootCause: c.rootCause,
			count: c.count,
			share: c.share,
			justified: c.justified,
			categories: c.categories
				.map((code) => (language ? disputeCategoryLabel(code, language) : code))
				.join(', '),
			examples: c.examples
				.map((e) =>
					`${e.customerName} (${e.customer}, #${e.disputeId}): ${e.evidence ?? e.resolution ?? ''}`.trim(),
				)
				.join(' | '),
		}));
	}
	const currencies = [
		...new Set(
			[...report.totals.amounts, ...report.groups.flatMap((g) => g.amounts)].map((a) => a.currency),
		),
	].sort();
	return report.groups.map((g) => {
		const row: Record<string, Cell> = {
			from: report.from,
			to: report.to,
			asOf: report.asOf,
			groupBy: report.groupBy,
			key: g.key,
			label: named ? disputeKeyLabel(g.key, language) : g.label,
			count: g.count,
			open: g.open,
			resolved: g.resolved,
			justified: g.justified,
			unjustified: g.unjustified,
		};
		for (const c of currencies)
			row[`amount${c}`] = g.amounts.find((a) => a.currency === c)?.amount ?? '0';
		Object.assign(row, {
			averageOpenAgeDays: g.averageOpenAgeDays,
			oldestOpenAgeDays: g.oldestOpenAgeDays,
			averageResolutionDays: g.averageResolutionDays,
		});
		return row;
	});
}

export function distributionRows(report: DistributionReport): Row[] {
	return report.rows.map((r) => ({
		from: report.from,
		to: report.to,
		zone: r.zone,
		courier: r.courier,
		currency: r.currency,
		waves: r.waves,
		deliveries: r.deliveries,
		delivered: r.delivered,
		onTime: r.onTime,
		onTimeRate: r.onTimeRate,
		averageDelayDays: r.averageDelayDays,
		failed: r.failed,
		cost: amount(r.cost),
		costPerDelivered: amount(r.costPerDelivered),
	}));
}

/** Column headings in French (keys not listed, such as bucket keys "1-30", stay as they are). */
const FRENCH: Record<string, string> = {
	asOf: 'date_arrete',
	groupBy: 'regroupement',
	line: 'ligne',
	key: 'cle',
	label: 'libelle',
	currency: 'devise',
	invoices: 'factures',
	open: 'encours',
	not_due: 'non_echu',
	overdue: 'echu',
	disputed: 'en_litige',
	promised: 'promis',
	creditNotes: 'avoirs_non_imputes',
	unappliedCash: 'encaissements_non_imputes',
	net: 'solde_net',
	openInvoices: 'factures_ouvertes',
	creditBalance: 'solde_crediteur',
	month: 'mois',
	date: 'date',
	receivables: 'creances',
	sales: 'ventes',
	dsoCountback: 'dso_epuisement',
	dsoSimple: 'dso_simple',
	cei: 'cei',
	ceiBeginning: 'cei_encours_debut',
	ceiEnding: 'cei_encours_fin',
	ceiEndingCurrent: 'cei_non_echu_fin',
	from: 'du',
	to: 'au',
	customer: 'client',
	customerName: 'nom_client',
	paid: 'paye',
	averageDaysLate: 'retard_moyen_jours',
	averageDaysToPay: 'delai_moyen_paiement_jours',
	lateShare: 'part_payee_en_retard',
	section: 'rubrique',
	count: 'nombre',
	total: 'total',
	salesRep: 'commercial',
	invoiceNumber: 'facture',
	amount: 'montant',
	dueDate: 'echeance',
	daysOverdue: 'jours_de_retard',
	detail: 'detail',
	ref: 'reference',
	day: 'jour',
	stage: 'etape',
	channel: 'canal',
	sent: 'envoyees',
	bounced: 'rejetees',
	failed: 'echecs',
	bounceRate: 'taux_rejet',
	paidInvoices: 'factures_payees',
	remindersPerPaidInvoice: 'relances_par_facture_payee',
	resolved: 'resolus',
	justified: 'fondes',
	unjustified: 'non_fondes',
	averageOpenAgeDays: 'age_moyen_ouverts_jours',
	oldestOpenAgeDays: 'plus_ancien_ouvert_jours',
	averageResolutionDays: 'delai_moyen_resolution_jours',
	rootCause: 'cause_racine',
	share: 'part',
	categories: 'categories',
	examples: 'exemples',
	zone: 'zone',
	courier: 'coursier',
	waves: 'tournees',
	deliveries: 'remises_prevues',
	delivered: 'remises',
	onTime: 'a_temps',
	onTimeRate: 'taux_a_temps',
	averageDelayDays: 'retard_moyen_jours',
	cost: 'cout',
	costPerDelivered: 'cout_par_facture_remise',
};

function frenchKey(key: string): string {
	if (FRENCH[key]) return FRENCH[key];
	let m = /^paidWithin(\d+)Days(Share)?$/.exec(key);
	if (m) return m[2] ? `part_payees_sous_${m[1]}_jours` : `payees_sous_${m[1]}_jours`;
	m = /^amount([A-Z]{3})$/.exec(key);
	if (m) return `montant_${m[1]}`;
	return key;
}

/**
 * The rows as a spreadsheet gets them: French column headings when `language` is 'fr', and every text cell that
 * a spreadsheet would run as a formula neutralised (core neutraliseCell).
 */
export function localiseRows(rows: Row[], language: 'fr' | 'en'): Row[] {
	const named =
		language !== 'fr'
			? rows
			: rows.map((row) =>
					Object.fromEntries(Object.entries(row).map(([k, v]) => [frenchKey(k), v])),
				);
	return neutraliseRows(named);
}
