import type { LedgerInvoice } from '../../ledger/types';
import { formatAmount } from '../../money';
import type { Anomaly } from '../anomaly';
import { dueDatesFor } from '../checks/terms';
import { statedTerms } from '../checks/check';
import { sirenFromFrenchVat } from '../checks/identifiers';
import { ruleAnomaly } from '../checks/rules';
import { normaliseInvoiceRecord, type InvoiceRecord, type NormalisedRecord } from '../record';
import type { InvoiceParty, ParsedInvoice } from './types';
import { NO_CURRENCY } from './values';

export interface ToLedgerOptions {
	/** The issuer to book under: a fixed name, or 'seller' for the seller's SIREN (else VAT number, else name). Default: the source's issuer, else 'default'. */
	issuer?: string;
	/** The customer code to book under (e.g. found in the customer file by SIREN); default: buyer id, SIREN, VAT number, name. */
	customerId?: string;
	/** Currency when the document states none (CSV without a currency column). */
	defaultCurrency?: string;
	/** Ledger `source` (default: ubl, cii, facturx, csv…). */
	source?: string;
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A parsed value made JSON-safe: bigint minor units become decimal strings of the currency. */
export function toJson(value: unknown, currency: string): Json {
	if (value === undefined || value === null) return null;
	if (typeof value === 'bigint') return formatAmount(value, currency);
	if (Array.isArray(value)) return value.map((v) => toJson(v, currency));
	if (typeof value === 'object') {
		const out: { [key: string]: Json } = {};
		for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
			if (v === undefined) continue;
			out[k.endsWith('Minor') ? k.slice(0, -5) : k] = toJson(v, currency);
		}
		return out;
	}
	return value as Json;
}

/** The parsed invoice as plain JSON (amounts as decimal strings), for workflow items and the ledger's extra data. */
export function parsedInvoiceJson(invoice: ParsedInvoice): { [key: string]: Json } {
	const scale =
		invoice.currency && /^[A-Z]{3}$/.test(invoice.currency) ? invoice.currency : NO_CURRENCY;
	return toJson(invoice, scale) as { [key: string]: Json };
}

/** The customer code a document points at: buyer identifier, SIREN, SIREN of an FR VAT number, VAT number, name. */
export function customerCodeOf(buyer: InvoiceParty): string | undefined {
	return buyer.id ?? buyer.siren ?? sirenFromFrenchVat(buyer.vatId) ?? buyer.vatId ?? buyer.name;
}

/** Where the document came from: file#attachment#row n, the parts it has, or null. */
function sourceRefOf(source: ParsedInvoice['source']): string | null {
	let ref = source.file || '';
	if (source.attachment) ref = ref ? `${ref}#${source.attachment}` : source.attachment;
	if (source.row !== undefined) {
		const row = `row ${source.row}`;
		ref = ref ? `${ref}#${row}` : row;
	}
	return ref || null;
}

function issuerOf(invoice: ParsedInvoice, option: string | undefined): string | undefined {
	if (option === 'seller')
		return invoice.seller.siren ?? invoice.seller.vatId ?? invoice.seller.name;
	return option ?? invoice.issuer;
}

/**
 * Turns a parsed invoice into the ledger's invoice through the same normalisation as flat records
 * (normaliseInvoiceRecord): a missing due date is computed from the stated terms, or defaulted to 30 days with
 * TERMS_DEFAULTED; an invoice with negative totals is booked as a credit note (NEGATIVE_INVOICE); the
 * parties, VAT breakdown, notes and delivery go to `extra`.
 */
export function toLedgerInvoice(
	parsed: ParsedInvoice,
	options: ToLedgerOptions = {},
): NormalisedRecord {
	const anomalies: Anomaly[] = [];
	const currency = parsed.currency ?? options.defaultCurrency;
	if (!currency) return { anomalies: [ruleAnomaly('CURRENCY_MISSING', 'currency')] };
	const scale = /^[A-Z]{3}$/.test(currency) ? currency : NO_CURRENCY;
	const customerId = options.customerId ?? customerCodeOf(parsed.buyer);
	if (!customerId) anomalies.push(ruleAnomaly('CUSTOMER_UNIDENTIFIED', 'buyer'));

	const t = parsed.totals;
	let docType = parsed.docType;
	let sign = 1n;
	const total = t.totalInclMinor ?? t.payableMinor;
	if (docType === 'invoice' && total !== undefined && total < 0n) {
		docType = 'credit_note';
		sign = -1n;
		anomalies.push(
			ruleAnomaly('NEGATIVE_INVOICE', 'totals.totalIncl', {
				amount: formatAmount(-total, scale),
				currency,
			}),
		);
	}
	const amount = (minor: bigint | undefined): string | undefined =>
		minor === undefined ? undefined : formatAmount(minor * sign, scale);

	let dueDate = parsed.dueDate;
	let termsDays = parsed.termsDays;
	let termsBasis = parsed.termsBasis;
	const terms = statedTerms(parsed);
	if (!dueDate && parsed.issueDate && terms) {
		const dates = dueDatesFor(parsed.issueDate, terms);
		if (dates) dueDate = dates[0];
		else if (terms.basis === 'reception') dueDate = parsed.issueDate;
		termsDays ??= terms.days;
		termsBasis ??=
			terms.basis === 'end_of_month' || terms.basis === 'end_of_month_plus'
				? 'end_of_month'
				: terms.basis === 'reception'
					? 'reception'
					: 'issue';
	}
	const record: InvoiceRecord = {
		number: parsed.number,
		docType,
		issuer: issuerOf(parsed, options.issuer),
		customerId,
		customerName: parsed.buyer.name,
		currency,
		totalExcl: amount(t.totalExclMinor),
		totalTax: amount(t.totalTaxMinor),
		totalIncl: amount(t.totalInclMinor ?? t.payableMinor),
		payable: amount(t.payableMinor),
		issueDate: parsed.issueDate,
		dueDate,
		receptionDate: parsed.receptionDate,
		termsDays,
		termsBasis,
		paymentTerms: parsed.paymentTerms,
		poNumber: parsed.orderReference,
		creditedNumber: docType === 'credit_note' ? parsed.precedingInvoice : undefined,
		lines: parsed.lines.map((l) => toJson(l, scale)),
	};
	const normalised = normaliseInvoiceRecord(record, {
		source: options.source ?? (parsed.container === 'pdf' ? 'facturx' : parsed.syntax),
	});
	const merged = [
		...anomalies,
		...normalised.anomalies.filter(
			(a) => !(a.code === 'FIELD_REQUIRED' && a.field === 'customerId' && !customerId),
		),
	];
	if (!normalised.invoice || !customerId) return { anomalies: merged };
	// The normalised invoice is this call's own object: completed in place rather than copied (bulk files convert
	// one invoice per row).
	const invoice: LedgerInvoice = normalised.invoice;
	invoice.sourceRef = sourceRefOf(parsed.source);
	invoice.anomalies = merged;
	invoice.extra = {
		syntax: parsed.syntax,
		profile: parsed.profile ?? null,
		typeCode: parsed.typeCode ?? null,
		seller: toJson(parsed.seller, scale),
		buyer: toJson(parsed.buyer, scale),
		delivery: toJson(parsed.delivery, scale),
		vatBreakdown: toJson(parsed.vatBreakdown, scale),
		notes: toJson(parsed.notes, scale),
		prepaid: amount(t.prepaidMinor) ?? null,
		paymentReference: parsed.paymentReference ?? null,
		iban: parsed.iban ?? null,
	};
	return { invoice, anomalies: merged };
}
