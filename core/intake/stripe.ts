import { DateTime } from 'luxon';
import type { LedgerInvoice } from '../ledger/types';
import type { PaymentInput } from '../ledger/payments';
import { currencyExponent, formatAmount } from '../money';
import { DEFAULT_ZONE } from '../time';
import { anomaly, type Anomaly } from './anomaly';
import { normaliseInvoiceRecord } from './record';

/**
 * Stripe objects (invoice, credit_note, and the event envelope of Stripe webhooks) as ledger records.
 * Stripe amounts are integers in the currency's smallest unit and dates are Unix timestamps (seconds); they
 * become exact minor units and calendar dates in the company's time zone.
 */

type StripeObject = Record<string, unknown>;

export interface StripeMapOptions {
	/** Time zone in which Unix timestamps become calendar dates (default Europe/Paris). */
	zone?: string;
	/** Issuer recorded on the invoices (default `default`). */
	issuer?: string;
}

export interface StripeDocument {
	invoice?: LedgerInvoice;
	anomalies: Anomaly[];
	/** For a credit note whose invoice is given by its Stripe id only: that id (the ledger finds the number). */
	creditedStripeInvoiceId?: string;
}

export interface StripeEventRecords {
	eventId?: string;
	type?: string;
	documents: StripeDocument[];
	payments: PaymentInput[];
	/** Why nothing is recorded for this event (an event type the ledger does not need, a draft). */
	ignored?: string;
}

/** Stripe's own minor units: these currencies have no decimals at Stripe, these three; ISK, HUF, TWD and UGX are special cases. */
const STRIPE_ZERO_DECIMAL = new Set([
	'BIF',
	'CLP',
	'DJF',
	'GNF',
	'JPY',
	'KMF',
	'KRW',
	'MGA',
	'PYG',
	'RWF',
	'VND',
	'VUV',
	'XAF',
	'XOF',
	'XPF',
]);
const STRIPE_THREE_DECIMAL = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);
const STRIPE_SPECIAL = new Set(['ISK', 'HUF', 'TWD', 'UGX']);

function str(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function idOf(value: unknown): string | undefined {
	if (typeof value === 'string') return str(value);
	if (value && typeof value === 'object') return str((value as StripeObject).id);
	return undefined;
}

/** A Unix timestamp (seconds) as a calendar date in `zone`. */
export function stripeDate(seconds: unknown, zone = DEFAULT_ZONE): string | undefined {
	if (typeof seconds !== 'number' || !Number.isSafeInteger(seconds) || seconds <= 0)
		return undefined;
	const dt = DateTime.fromSeconds(seconds, { zone });
	return dt.isValid ? (dt.toISODate() ?? undefined) : undefined;
}

function checkCurrency(raw: unknown, anomalies: Anomaly[]): string | undefined {
	const currency = str(raw)?.toUpperCase();
	if (!currency || !/^[A-Z]{3}$/.test(currency)) {
		anomalies.push(
			anomaly(
				'FIELD_INVALID',
				'block',
				'currency',
				`"${String(raw)}" is not a currency code.`,
				`« ${String(raw)} » n'est pas un code devise.`,
				'Stripe sends three-letter currency codes.',
				'Stripe envoie des codes devise à trois lettres.',
			),
		);
		return undefined;
	}
	const stripeExponent = STRIPE_ZERO_DECIMAL.has(currency)
		? 0
		: STRIPE_THREE_DECIMAL.has(currency)
			? 3
			: 2;
	if (STRIPE_SPECIAL.has(currency) || stripeExponent !== currencyExponent(currency)) {
		anomalies.push(
			anomaly(
				'STRIPE_CURRENCY_UNSUPPORTED',
				'block',
				'currency',
				`Stripe amounts in ${currency} do not use the ledger's minor unit: they cannot be read without risk.`,
				`Les montants Stripe en ${currency} n'utilisent pas l'unité du grand livre : ils ne peuvent pas être lus sans risque.`,
				'Send these invoices through another route (file or fields) with decimal amounts.',
				'Envoyez ces factures par une autre voie (fichier ou champs) avec des montants décimaux.',
			),
		);
		return undefined;
	}
	return currency;
}

function minor(
	obj: StripeObject,
	field: string,
	anomalies: Anomaly[],
	required: boolean,
): bigint | undefined {
	const value = obj[field];
	if (value === null || value === undefined) {
		if (required)
			anomalies.push(
				anomaly(
					'FIELD_REQUIRED',
					'block',
					field,
					`Stripe sent no "${field}".`,
					`Stripe n'a pas envoyé « ${field} ».`,
					'Send the full object in the webhook.',
					"Envoyez l'objet complet dans le webhook.",
				),
			);
		return undefined;
	}
	if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
		anomalies.push(
			anomaly(
				'STRIPE_AMOUNT_INVALID',
				'block',
				field,
				`"${String(value)}" is not a whole amount in minor units.`,
				`« ${String(value)} » n'est pas un montant entier en centimes.`,
				'Stripe amounts are non-negative integers in the smallest currency unit.',
				'Les montants Stripe sont des entiers positifs dans la plus petite unité de la devise.',
			),
		);
		return undefined;
	}
	return BigInt(value);
}

function taxesOf(obj: StripeObject): bigint | undefined {
	const list = (obj.total_taxes ?? obj.total_tax_amounts) as unknown;
	if (!Array.isArray(list)) return undefined;
	let sum = 0n;
	for (const entry of list) {
		const amount = (entry as StripeObject)?.amount;
		if (typeof amount !== 'number' || !Number.isSafeInteger(amount)) return undefined;
		sum += BigInt(amount);
	}
	return sum;
}

function linesOf(obj: StripeObject, currency: string): unknown[] {
	const data = (obj.lines as StripeObject | undefined)?.data;
	if (!Array.isArray(data)) return [];
	return data.map((line: StripeObject) => ({
		id: idOf(line.id) ?? null,
		description: str(line.description) ?? null,
		quantity: typeof line.quantity === 'number' ? line.quantity : null,
		amount:
			typeof line.amount === 'number' && Number.isSafeInteger(line.amount)
				? formatAmount(BigInt(line.amount), currency)
				: null,
	}));
}

function finish(
	result: { invoice?: LedgerInvoice; anomalies: Anomaly[] },
	id: string | undefined,
	extra: Record<string, unknown>,
	anomalies: Anomaly[],
): StripeDocument {
	const all = [...anomalies, ...result.anomalies];
	if (!result.invoice || anomalies.some((a) => a.severity === 'block')) return { anomalies: all };
	return {
		invoice: { ...result.invoice, source: 'stripe', sourceRef: id ?? null, anomalies: all, extra },
		anomalies: all,
	};
}

/** A Stripe invoice as a ledger invoice. Drafts and void invoices are not receivables and are refused. */
export function mapStripeInvoice(
	obj: StripeObject,
	options: StripeMapOptions = {},
): StripeDocument {
	const zone = options.zone ?? DEFAULT_ZONE;
	const anomalies: Anomaly[] = [];
	const status = str(obj.status);
	if (status === 'draft') {
		anomalies.push(
			anomaly(
				'STRIPE_INVOICE_DRAFT',
				'block',
				'status',
				'A draft invoice is not owed yet.',
				"Une facture en brouillon n'est pas encore due.",
				'It is stored when Stripe finalizes it (invoice.finalized).',
				'Elle sera enregistrée quand Stripe la finalisera (invoice.finalized).',
			),
		);
	} else if (status === 'void') {
		anomalies.push(
			anomaly(
				'STRIPE_INVOICE_VOID',
				'block',
				'status',
				'Stripe voided this invoice.',
				'Stripe a annulé cette facture.',
				'If the ledger already has it, cancel it there with a credit note.',
				'Si le grand livre la contient déjà, soldez-la par un avoir.',
			),
		);
	}
	const currency = checkCurrency(obj.currency, anomalies) ?? 'EUR';
	const total = minor(obj, 'total', anomalies, true);
	const due = minor(obj, 'amount_due', anomalies, false);
	const exclGiven = minor(obj, 'total_excluding_tax', anomalies, false);
	const taxes = taxesOf(obj);
	const excl = exclGiven ?? (total !== undefined && taxes !== undefined ? total - taxes : total);
	const transitions = (obj.status_transitions ?? {}) as StripeObject;
	const issueDate =
		stripeDate(obj.effective_at, zone) ??
		stripeDate(transitions.finalized_at, zone) ??
		stripeDate(obj.created, zone);
	let dueDate = stripeDate(obj.due_date, zone);
	if (!dueDate && str(obj.collection_method) === 'charge_automatically') dueDate = issueDate;
	const fmt = (v: bigint | undefined) => (v === undefined ? undefined : formatAmount(v, currency));
	const result = normaliseInvoiceRecord(
		{
			number: str(obj.number),
			docType: 'invoice',
			issuer: options.issuer,
			customerId: idOf(obj.customer),
			customerName:
				str(obj.customer_name) ??
				(obj.customer && typeof obj.customer === 'object'
					? str((obj.customer as StripeObject).name)
					: undefined),
			currency,
			totalIncl: fmt(total),
			totalExcl: fmt(excl),
			totalTax: total !== undefined && excl !== undefined ? fmt(total - excl) : undefined,
			payable: fmt(due ?? total),
			issueDate,
			dueDate,
			lines: linesOf(obj, currency),
		},
		{ source: 'stripe', defaultCurrency: currency },
	);
	return finish(
		result,
		idOf(obj.id),
		{
			stripeId: idOf(obj.id) ?? null,
			stripeStatus: status ?? null,
			hostedInvoiceUrl: str(obj.hosted_invoice_url) ?? null,
		},
		anomalies,
	);
}

/** A Stripe credit note as a ledger credit note, reducing the invoice it belongs to. */
export function mapStripeCreditNote(
	obj: StripeObject,
	options: StripeMapOptions = {},
): StripeDocument {
	const zone = options.zone ?? DEFAULT_ZONE;
	const anomalies: Anomaly[] = [];
	if (str(obj.status) === 'void') {
		anomalies.push(
			anomaly(
				'STRIPE_CREDIT_NOTE_VOID',
				'block',
				'status',
				'Stripe voided this credit note.',
				'Stripe a annulé cet avoir.',
				'If the ledger already has it, correct the invoice balance by hand.',
				'Si le grand livre le contient déjà, corrigez le solde de la facture à la main.',
			),
		);
	}
	const currency = checkCurrency(obj.currency, anomalies) ?? 'EUR';
	const total = minor(obj, 'total', anomalies, true);
	const amount = minor(obj, 'amount', anomalies, false);
	const exclGiven = minor(obj, 'total_excluding_tax', anomalies, false);
	const taxes = taxesOf(obj);
	const subtotalExcl = minor(obj, 'subtotal_excluding_tax', anomalies, false);
	const excl =
		exclGiven ??
		(total !== undefined && taxes !== undefined ? total - taxes : (subtotalExcl ?? total));
	const issueDate = stripeDate(obj.effective_at, zone) ?? stripeDate(obj.created, zone);
	const invoiceRef = obj.invoice;
	const creditedNumber =
		invoiceRef && typeof invoiceRef === 'object'
			? str((invoiceRef as StripeObject).number)
			: undefined;
	const fmt = (v: bigint | undefined) => (v === undefined ? undefined : formatAmount(v, currency));
	const result = normaliseInvoiceRecord(
		{
			number: str(obj.number),
			docType: 'credit_note',
			issuer: options.issuer,
			customerId: idOf(obj.customer),
			currency,
			totalIncl: fmt(total),
			totalExcl: fmt(excl),
			totalTax: total !== undefined && excl !== undefined ? fmt(total - excl) : undefined,
			payable: fmt(amount ?? total),
			issueDate,
			dueDate: issueDate,
			creditedNumber,
			lines: linesOf(obj, currency),
		},
		{ source: 'stripe', defaultCurrency: currency },
	);
	const document = finish(
		result,
		idOf(obj.id),
		{
			stripeId: idOf(obj.id) ?? null,
			stripeInvoiceId: idOf(invoiceRef) ?? null,
			reason: str(obj.reason) ?? null,
		},
		anomalies,
	);
	if (!creditedNumber && idOf(invoiceRef)) document.creditedStripeInvoiceId = idOf(invoiceRef);
	return document;
}

/** The payment a paid Stripe invoice stands for (idempotent by the invoice id), or undefined. */
export function mapStripeInvoicePayment(
	obj: StripeObject,
	options: StripeMapOptions & { eventCreated?: unknown } = {},
): PaymentInput | undefined {
	if (str(obj.status) !== 'paid') return undefined;
	const paid = obj.amount_paid;
	const number = str(obj.number);
	const currency = str(obj.currency)?.toUpperCase();
	if (
		typeof paid !== 'number' ||
		!Number.isSafeInteger(paid) ||
		paid <= 0 ||
		!number ||
		!currency ||
		!idOf(obj.id)
	)
		return undefined;
	const transitions = (obj.status_transitions ?? {}) as StripeObject;
	const receivedOn =
		stripeDate(transitions.paid_at, options.zone) ??
		stripeDate(options.eventCreated, options.zone) ??
		stripeDate(obj.created, options.zone);
	if (!receivedOn) return undefined;
	return {
		source: 'stripe',
		externalRef: `invoice:${idOf(obj.id)}`,
		amountMinor: BigInt(paid),
		currency,
		receivedOn,
		payerName: str(obj.customer_name) ?? null,
		referenceText: `Stripe ${idOf(obj.id)} ${number}`,
		customerExternalId: idOf(obj.customer) ?? null,
		invoiceNumbers: [number],
	};
}

/**
 * A Stripe webhook event: invoice events give the invoice (and, once paid, its payment); credit note events
 * give the credit note; other events are ignored (answered 2xx so that Stripe does not resend them). Draft
 * invoices are ignored too: they are stored when finalized.
 */
export function mapStripeEvent(
	event: StripeObject,
	options: StripeMapOptions = {},
): StripeEventRecords {
	const eventId = idOf(event.id);
	const type = str(event.type);
	const object = ((event.data ?? {}) as StripeObject).object as StripeObject | undefined;
	const records: StripeEventRecords = { eventId, type, documents: [], payments: [] };
	if (!object || typeof object !== 'object') {
		records.ignored = `Event ${type ?? '?'} carries no object.`;
		return records;
	}
	if (object.object === 'invoice') {
		if (str(object.status) === 'draft') {
			records.ignored = `Event ${type ?? '?'} is about a draft invoice: it is stored when finalized.`;
			return records;
		}
		const document = mapStripeInvoice(object, options);
		records.documents.push(document);
		const payment = document.invoice
			? mapStripeInvoicePayment(object, { ...options, eventCreated: event.created })
			: undefined;
		if (payment) records.payments.push(payment);
		return records;
	}
	if (object.object === 'credit_note') {
		records.documents.push(mapStripeCreditNote(object, options));
		return records;
	}
	records.ignored = `Event ${type ?? '?'} (${String(object.object)}) is not about invoices or credit notes.`;
	return records;
}
