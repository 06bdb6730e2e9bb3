import type { LedgerInvoice } from '../../ledger/types';
import { currencyExponent, formatAmount } from '../../money';
import { daysBetween } from '../../time';
import type { Anomaly } from '../anomaly';
import { productToMinor, percentOf } from '../parse/decimal';
import { intakeError } from '../parse/errors';
import type { ParsedInvoice } from '../parse/types';
import { NO_CURRENCY } from '../parse/values';
import { isIsoCurrency } from './codes';
import { brFrRules } from './brfr';
import { FRENCH_REFORM_START, frenchMentions } from './french';
import { checkVatId, isUsableEmail, isValidSiren, isValidSiret } from './identifiers';
import { INTAKE_RULES, intakeRule, ruleAnomaly, type RuleSetting } from './rules';
import {
	dueDatesFor,
	FRENCH_LEGAL_CAP,
	latestLegalDueDate,
	parsePaymentTerms,
	type LegalCap,
} from './terms';
import type { CheckOptions } from './options';

export type { CheckOptions, CompanyProfile } from './options';

const EINVOICE = new Set(['ubl', 'cii', 'zugferd1']);

/** Whether the French rules apply to this invoice. */
export function isFrenchSeller(invoice: ParsedInvoice, options: CheckOptions = {}): boolean {
	const mode = options.frenchRules ?? 'auto';
	if (mode !== 'auto') return mode === 'always';
	// CSV exports and records carry no seller: the company's country decides (France when none is configured).
	if (!EINVOICE.has(invoice.syntax))
		return (options.company?.country || 'FR').toUpperCase() === 'FR';
	const seller = invoice.seller;
	return seller.address?.country === 'FR' || !!seller.siren || /^FR/i.test(seller.vatId ?? '');
}

/** A ledger invoice (JSON records, webhooks) seen as a parsed invoice, so that the same rules apply. */
export function fromLedgerInvoice(invoice: LedgerInvoice): ParsedInvoice {
	return {
		syntax: 'record',
		container: 'json',
		docType: invoice.docType,
		number: invoice.number,
		issueDate: invoice.issueDate,
		dueDate: invoice.dueDate,
		receptionDate: invoice.receptionDate ?? undefined,
		currency: invoice.currency,
		seller: { identifiers: [] },
		buyer: {
			identifiers: [{ value: invoice.customerExternalId }],
			id: invoice.customerExternalId,
			name: invoice.customerName,
		},
		lines: [],
		vatBreakdown: [],
		notes: [],
		totals: {
			totalExclMinor: invoice.totalExclMinor,
			totalTaxMinor: invoice.totalTaxMinor,
			totalInclMinor: invoice.totalInclMinor,
			payableMinor: invoice.payableMinor,
			taxTotals: [{ currency: invoice.currency, amountMinor: invoice.totalTaxMinor }],
		},
		paymentTerms: invoice.paymentTerms ?? undefined,
		termsDays: invoice.termsDays ?? undefined,
		termsBasis: invoice.termsBasis ?? undefined,
		orderReference: invoice.poNumber ?? undefined,
		precedingInvoice: invoice.creditedNumber ?? undefined,
		issuer: invoice.issuer,
		source: { index: 0 },
		anomalies: [],
	};
}

/**
 * Checks a record (fields, JSON, webhook, accounting preset) with the same rules as a file. `taxStated`: whether
 * the record gave its VAT total (when it did not, the total with VAT is not compared with excl. + VAT).
 */
export function checkRecordInvoice(
	invoice: LedgerInvoice,
	options: CheckOptions & { taxStated?: boolean; exclStated?: boolean } = {},
): Anomaly[] {
	const parsed = fromLedgerInvoice(invoice);
	parsed.anomalies = [];
	if (options.taxStated === false) {
		parsed.totals.totalTaxMinor = undefined;
		parsed.totals.taxTotals = [];
	}
	if (options.exclStated === false) parsed.totals.totalExclMinor = undefined;
	// A record states no prepaid amount: an amount due below the total (deposit deducted) is not an error.
	parsed.totals.payableMinor = undefined;
	return checkInvoice(parsed, options);
}

const isLedgerInvoice = (value: ParsedInvoice | LedgerInvoice): value is LedgerInvoice =>
	'totalInclMinor' in value;

/** The terms an invoice states: a number of days (CSV, records) or its payment terms text. */
export function statedTerms(invoice: ParsedInvoice):
	| {
			days: number;
			basis: 'issue' | 'end_of_month' | 'end_of_month_plus' | 'reception';
			text: string;
	  }
	| undefined {
	if (invoice.termsDays !== undefined) {
		const basis =
			invoice.termsBasis === 'end_of_month'
				? 'end_of_month'
				: invoice.termsBasis === 'reception'
					? 'reception'
					: 'issue';
		return {
			days: invoice.termsDays,
			basis,
			text: `${invoice.termsDays} ${basis === 'end_of_month' ? 'jours fin de mois' : 'jours'}`,
		};
	}
	return parsePaymentTerms(invoice.paymentTerms);
}

/** Whether the reader already reported a fault on this field (an unreadable value is not also "missing"). */
function reported(inv: ParsedInvoice, field: string): boolean {
	return inv.anomalies.some(
		(a) =>
			!!a.field &&
			(a.field === field || a.field.endsWith(`: ${field}`) || a.field.endsWith(`.${field}`)),
	);
}

function identification(inv: ParsedInvoice, found: Anomaly[]): void {
	if (!inv.number) found.push(ruleAnomaly('NUMBER_MISSING', 'number'));
	if (!inv.issueDate && !reported(inv, 'issueDate'))
		found.push(ruleAnomaly('ISSUE_DATE_MISSING', 'issueDate'));
	if (!inv.currency) found.push(ruleAnomaly('CURRENCY_MISSING', 'currency'));
	else if (!isIsoCurrency(inv.currency))
		found.push(ruleAnomaly('CURRENCY_UNKNOWN', 'currency', { value: inv.currency }));
	if (EINVOICE.has(inv.syntax)) {
		if (!inv.seller.name) found.push(ruleAnomaly('SELLER_NAME_MISSING', 'seller.name'));
		if (!inv.buyer.name) found.push(ruleAnomaly('BUYER_NAME_MISSING', 'buyer.name'));
		if (!inv.seller.address?.country)
			found.push(ruleAnomaly('SELLER_COUNTRY_MISSING', 'seller.address.country'));
	}
	party('seller', inv.seller, found);
	party('buyer', inv.buyer, found);
	party('taxRepresentative', inv.taxRepresentative, found);
	if (inv.buyer.email && !isUsableEmail(inv.buyer.email))
		found.push(ruleAnomaly('BUYER_EMAIL_INVALID', 'buyer.email', { value: inv.buyer.email }));
	if (inv.testDocument) found.push(ruleAnomaly('TEST_DOCUMENT', 'testIndicator'));
}

/** The identifiers of one party (VAT number, SIRET or SIREN). */
function party(name: string, party: ParsedInvoice['seller'] | undefined, found: Anomaly[]): void {
	if (!party) return;
	if (party.vatId) {
		const check = checkVatId(party.vatId);
		if (!check.prefixValid)
			found.push(ruleAnomaly('VAT_ID_PREFIX_INVALID', `${name}.vatId`, { value: party.vatId }));
		else if (check.problem)
			found.push(
				ruleAnomaly('VAT_ID_INVALID', `${name}.vatId`, {
					value: party.vatId,
					reasonEn: check.problem.en,
					reasonFr: check.problem.fr,
				}),
			);
	}
	if (party.siret && !isValidSiret(party.siret))
		found.push(ruleAnomaly('SIREN_INVALID', `${name}.siret`, { value: party.siret }));
	else if (party.siren && !isValidSiren(party.siren))
		found.push(ruleAnomaly('SIREN_INVALID', `${name}.siren`, { value: party.siren }));
}

function totals(inv: ParsedInvoice, found: Anomaly[]): void {
	const t = inv.totals;
	const scale = inv.currency && /^[A-Z]{3}$/.test(inv.currency) ? inv.currency : NO_CURRENCY;
	const exponent = currencyExponent(scale);
	const fmt = (minor: bigint): string => formatAmount(minor, scale);
	const currency = inv.currency ?? '';
	if (t.totalInclMinor === undefined && !reported(inv, 'totalIncl'))
		found.push(
			ruleAnomaly('TOTALS_MISSING', 'totals.totalIncl', {
				whatEn: 'The total with VAT',
				whatFr: 'Le total TTC',
			}),
		);

	const lineAmounts = inv.lines.map((l) => l.netAmountMinor);
	const linesSum =
		lineAmounts.length && lineAmounts.every((a) => a !== undefined)
			? (lineAmounts as bigint[]).reduce((s, a) => s + a, 0n)
			: undefined;
	if (t.lineTotalMinor !== undefined && linesSum !== undefined && linesSum !== t.lineTotalMinor) {
		found.push(
			ruleAnomaly('TOTAL_LINES_MISMATCH', 'totals.lineTotal', {
				actual: fmt(linesSum),
				expected: fmt(t.lineTotalMinor),
				currency,
			}),
		);
	}
	const base = t.lineTotalMinor ?? linesSum;
	if (t.totalExclMinor !== undefined && base !== undefined) {
		const expected =
			base -
			(t.allowanceTotalMinor ?? inv.documentAllowancesMinor ?? 0n) +
			(t.chargeTotalMinor ?? inv.documentChargesMinor ?? 0n);
		if (expected !== t.totalExclMinor)
			found.push(
				ruleAnomaly('TOTAL_EXCL_MISMATCH', 'totals.totalExcl', {
					actual: fmt(t.totalExclMinor),
					expected: fmt(expected),
					currency,
				}),
			);
	}
	const breakdownTax = inv.vatBreakdown.map((b) => b.taxMinor);
	if (
		breakdownTax.length &&
		breakdownTax.every((a) => a !== undefined) &&
		t.totalTaxMinor !== undefined
	) {
		const sum = (breakdownTax as bigint[]).reduce((s, a) => s + a, 0n);
		if (sum !== t.totalTaxMinor)
			found.push(
				ruleAnomaly('VAT_TOTAL_MISMATCH', 'totals.totalTax', {
					actual: fmt(t.totalTaxMinor),
					expected: fmt(sum),
					currency,
				}),
			);
	}
	// one VAT total in the document currency (records, most documents): nothing ambiguous, nothing foreign
	const single =
		t.taxTotals.length === 0 ||
		(t.taxTotals.length === 1 &&
			(t.taxTotals[0].currency ?? inv.currency ?? '') === (inv.currency ?? ''));
	const byCurrency = new Map<string, bigint[]>();
	if (!single)
		for (const total of t.taxTotals) {
			const c = total.currency ?? inv.currency ?? '';
			byCurrency.set(c, [...(byCurrency.get(c) ?? []), total.amountMinor]);
		}
	for (const [c, amounts] of byCurrency) {
		const distinct = [...new Set(amounts.map(String))];
		if (distinct.length > 1)
			found.push(
				ruleAnomaly('TAX_TOTAL_AMBIGUOUS', 'totals.taxTotal', {
					currency: c,
					values: distinct.map((a) => fmt(BigInt(a))).join(', '),
				}),
			);
		if (inv.currency && c !== inv.currency && c !== inv.taxCurrency) {
			found.push(
				ruleAnomaly('TAX_TOTAL_CURRENCY', 'totals.taxTotal', {
					currency: c,
					documentCurrency: inv.currency,
				}),
			);
		}
	}
	if (
		t.totalExclMinor !== undefined &&
		t.totalTaxMinor !== undefined &&
		t.totalInclMinor !== undefined &&
		t.totalExclMinor + t.totalTaxMinor !== t.totalInclMinor
	) {
		found.push(
			ruleAnomaly('TOTAL_INCL_MISMATCH', 'totals.totalIncl', {
				actual: fmt(t.totalInclMinor),
				expected: fmt(t.totalExclMinor + t.totalTaxMinor),
				currency,
			}),
		);
	}
	// Factur-X MINIMUM carries no prepaid amount, only its effect on the amount due: the equation cannot be checked.
	const minimumProfile = /minimum/i.test(inv.profile ?? '') && t.prepaidMinor === undefined;
	if (t.totalInclMinor !== undefined && t.payableMinor !== undefined && !minimumProfile) {
		const expected = t.totalInclMinor - (t.prepaidMinor ?? 0n) + (t.roundingMinor ?? 0n);
		if (expected !== t.payableMinor)
			found.push(
				ruleAnomaly('PAYABLE_MISMATCH', 'totals.payable', {
					actual: fmt(t.payableMinor),
					expected: fmt(expected),
					currency,
				}),
			);
	}
	const unit = 10n ** BigInt(exponent);
	inv.vatBreakdown.forEach((b, i) => {
		if (b.taxableMinor === undefined || b.taxMinor === undefined || b.ratePercent === undefined)
			return;
		const expected = percentOf(b.taxableMinor, b.ratePercent);
		const diff = expected > b.taxMinor ? expected - b.taxMinor : b.taxMinor - expected;
		const params = {
			rate: b.ratePercent,
			taxable: fmt(b.taxableMinor),
			expected: fmt(expected),
			actual: fmt(b.taxMinor),
			currency,
		};
		if (diff > unit)
			found.push(ruleAnomaly('VAT_CATEGORY_AMOUNT', `vatBreakdown[${i + 1}]`, params));
		else if (diff > 0n)
			found.push(ruleAnomaly('VAT_CATEGORY_ROUNDING', `vatBreakdown[${i + 1}]`, params));
	});
	inv.lines.forEach((l, i) => {
		if (l.quantity === undefined || l.netPrice === undefined || l.netAmountMinor === undefined)
			return;
		const baseQuantity =
			l.priceBaseQuantity && Number(l.priceBaseQuantity) !== 0 ? [l.priceBaseQuantity] : [];
		const expected =
			productToMinor([l.quantity, l.netPrice], baseQuantity, exponent) -
			(l.allowancesMinor ?? 0n) +
			(l.chargesMinor ?? 0n);
		const diff =
			expected > l.netAmountMinor ? expected - l.netAmountMinor : l.netAmountMinor - expected;
		if (diff > 1n)
			found.push(
				ruleAnomaly('LINE_AMOUNT_MISMATCH', `lines[${l.id ?? i + 1}]`, {
					expected: fmt(expected),
					actual: fmt(l.netAmountMinor),
					currency,
				}),
			);
	});
	const total = t.totalInclMinor ?? t.payableMinor;
	if (inv.docType === 'invoice' && total !== undefined && total < 0n) {
		found.push(
			ruleAnomaly('NEGATIVE_INVOICE', 'totals.totalIncl', { amount: fmt(-total), currency }),
		);
	}
}

function dates(inv: ParsedInvoice, french: boolean, cap: LegalCap, found: Anomaly[]): void {
	if (!inv.issueDate) return;
	if (inv.dueDate && inv.dueDate < inv.issueDate)
		found.push(
			ruleAnomaly('DUE_BEFORE_ISSUE', 'dueDate', {
				dueDate: inv.dueDate,
				issueDate: inv.issueDate,
			}),
		);
	const terms = statedTerms(inv);
	if (terms && inv.dueDate) {
		const accepted = dueDatesFor(inv.issueDate, terms);
		if (accepted && !accepted.includes(inv.dueDate)) {
			found.push(
				ruleAnomaly('TERMS_DUE_MISMATCH', 'dueDate', {
					dueDate: inv.dueDate,
					terms: terms.text,
					expected: accepted.join(' / '),
				}),
			);
		}
	}
	if (!french) return;
	if (terms) {
		const cappedDays =
			terms.basis === 'issue'
				? cap.days
				: terms.basis === 'reception'
					? undefined
					: cap.endOfMonthDays;
		if (cappedDays !== undefined && terms.days > cappedDays)
			found.push(
				ruleAnomaly('TERMS_STATED_BEYOND_LEGAL_CAP', 'paymentTerms', {
					terms: terms.text,
					days: terms.days,
				}),
			);
	}
	const latest = latestLegalDueDate(inv.issueDate, cap);
	const due = inv.dueDate ?? (terms ? dueDatesFor(inv.issueDate, terms)?.[0] : undefined);
	if (due && due > latest) {
		found.push(
			ruleAnomaly('TERMS_BEYOND_LEGAL_CAP', inv.dueDate ? 'dueDate' : 'paymentTerms', {
				days: daysBetween(inv.issueDate, due),
				max: latest,
			}),
		);
	}
}

/**
 * Applies the rule table and the company's settings to anomalies: severity overridden by code, rules turned
 * off removed, French rules kept only for French sellers, e-invoice rules only for e-invoices. Anomalies of
 * codes outside the table (e.g. FIELD_REQUIRED) pass unchanged.
 */
export function applyRuleSettings(
	anomalies: Anomaly[],
	invoice: Pick<ParsedInvoice, 'syntax'>,
	options: CheckOptions & { french?: boolean } = {},
): Anomaly[] {
	const out: Anomaly[] = [];
	const seen = new Set<string>();
	for (const a of anomalies) {
		const key = `${a.code}\u0000${a.field ?? ''}`;
		if (seen.has(key)) continue;
		seen.add(key);
		const rule = intakeRule(a.code);
		if (!rule) {
			out.push(a);
			continue;
		}
		if (rule.scope === 'fr' && options.french === false) continue;
		if (rule.sources === 'einvoice' && !EINVOICE.has(invoice.syntax)) continue;
		const setting = options.rules?.[a.code] ?? rule.severity;
		if (setting === 'off') continue;
		out.push(setting === a.severity ? a : { ...a, severity: setting });
	}
	return out;
}

/** The company's legal cap over the French one, merged once per settings object (not once per invoice). */
const mergedCaps = new WeakMap<Partial<LegalCap>, LegalCap>();
function legalCapOf(cap: Partial<LegalCap> | undefined): LegalCap {
	if (!cap) return FRENCH_LEGAL_CAP;
	let merged = mergedCaps.get(cap);
	if (!merged) mergedCaps.set(cap, (merged = { ...FRENCH_LEGAL_CAP, ...cap }));
	return merged;
}

/**
 * Checks an invoice against the intake rules (totals, VAT, identifiers, dates and terms, French legal mentions):
 * returns the anomalies, the reader's own findings included, with the company's settings applied. Accepts a
 * parsed document (parseInvoiceDocument) or a ledger invoice (JSON records). Rules that need the ledger
 * (duplicates, customer file) are in checkAgainstLedger.
 */
export function checkInvoice(
	input: ParsedInvoice | LedgerInvoice,
	options: CheckOptions = {},
): Anomaly[] {
	const invoice = isLedgerInvoice(input) ? fromLedgerInvoice(input) : input;
	const french = isFrenchSeller(invoice, options);
	const found: Anomaly[] = [...invoice.anomalies];
	identification(invoice, found);
	totals(invoice, found);
	dates(invoice, french, legalCapOf(options.legalCap), found);
	if (french && EINVOICE.has(invoice.syntax))
		found.push(
			...frenchMentions(invoice, options.company, { reformStart: options.reformStartDate }),
		);
	// the platforms' flux 2 rules (BR-FR), for UBL and CII invoices issued from the reform date
	if (
		french &&
		(invoice.syntax === 'ubl' || invoice.syntax === 'cii') &&
		!!invoice.issueDate &&
		invoice.issueDate >= (options.reformStartDate ?? FRENCH_REFORM_START)
	) {
		found.push(...brFrRules(invoice));
	}
	// nothing found (most invoices): nothing to apply the settings to
	if (found.length === 0) return found;
	return applyRuleSettings(found, invoice, { ...options, french });
}

/** Rejects unknown codes and settings in a rule configuration (company settings, node options). */
export function validateRuleSettings(rules: unknown): Record<string, RuleSetting> {
	const invalid = (en: string, fr: string): Error =>
		intakeError(
			'INTAKE_RULES_INVALID',
			en,
			fr,
			'Write the rule settings as {"RULE_CODE": "block" | "warn" | "off"} with codes of the intake rule table.',
			'Écrivez les réglages sous la forme {"CODE_REGLE": "block" | "warn" | "off"} avec les codes de la table des règles.',
		);
	if (rules === undefined || rules === null) return {};
	if (typeof rules !== 'object' || Array.isArray(rules))
		throw invalid(
			'The rule settings are not an object.',
			'Les réglages de règles ne sont pas un objet.',
		);
	const out: Record<string, RuleSetting> = {};
	for (const [code, value] of Object.entries(rules as Record<string, unknown>)) {
		if (!INTAKE_RULES.some((r) => r.code === code))
			throw invalid(
				`"${code}" is not an intake rule code.`,
				`« ${code} » n'est pas un code de règle.`,
			);
		if (value !== 'block' && value !== 'warn' && value !== 'off') {
			throw invalid(
				`The setting of ${code} must be "block", "warn" or "off", not ${JSON.stringify(value)}.`,
				`Le réglage de ${code} doit être "block", "warn" ou "off", pas ${JSON.stringify(value)}.`,
			);
		}
		out[code] = value;
	}
	return out;
}
