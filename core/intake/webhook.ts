import type { PoolClient } from 'pg';
import { ReceivablesError } from '../errors';
import { dbErrorToItem, storeBatch } from '../ledger/invoices';
import type { Ledger } from '../ledger/ledger';
import { PayerNameIndex, retryTransient, storePaymentsWith, type InvoicePaidEvent, type PaymentInput, type PaymentOutcome } from '../ledger/payments';
import type { LedgerInvoice, StoreOutcome, StoreStatus } from '../ledger/types';
import { anomaly, hasBlocking, type Anomaly } from './anomaly';
import { checkRecordInvoice, type CheckOptions } from './checks/check';
import { loadIntakeSettings } from './checks/ledger';
import { normalisePaymentRecord } from './paymentRecord';
import { normaliseInvoiceRecord, type InvoiceRecord } from './record';
import {
	RECEIVABLES_DELIVERY_HEADER,
	RECEIVABLES_SIGNATURE_HEADER,
	STRIPE_SIGNATURE_HEADER,
	verifySignature,
	type SignatureScheme,
} from './signature';
import { mapStripeEvent, type StripeDocument } from './stripe';

/**
 * A signed request from accounting software (or Stripe), verified and stored in ONE transaction together with
 * its delivery id: a replay finds the id and changes nothing; a crash before commit leaves neither the data nor
 * the id, so the sender's retry is stored normally. The caller answers 2xx only for an `accepted` result,
 * which is returned after the commit.
 *
 * Bodies (JSON, UTF-8):
 *  - `{ "invoices": [...], "creditNotes": [...], "payments": [...] }` — flat records as Invoice Intake reads
 *    them (InvoiceRecord, PaymentRecord); a single invoice object or an array of invoices is accepted too;
 *  - a Stripe event (`"object": "event"`): invoice and credit note events, paid invoices as payments.
 */

type Said = { en: string; fr: string };

export interface SignedRequest {
	/** The bytes received, exactly (the Webhook node's Raw Body). */
	rawBody: Buffer;
	/** Request headers; names in any case. */
	headers: Record<string, unknown>;
}

export interface ReceiveSignedRequestOptions {
	secret: string | string[];
	scheme?: SignatureScheme;
	/** Name of the sending system; delivery ids are remembered per source (default `accounting`). */
	source?: string;
	toleranceSeconds?: number;
	now?: Date;
	/** Largest body accepted (default 5 MiB). */
	maxBodyBytes?: number;
	/** Most invoices + payments in one request (default 10 000). */
	maxRecords?: number;
	/** Create a minimal customer for an unknown customer code instead of rejecting its invoices. */
	createMissingCustomers?: boolean;
	defaultCurrency?: string;
	/** The intake rules applied to each invoice (default: the company's intake settings stored in the ledger); false: none. */
	checks?: CheckOptions | false;
	/** Time zone for Stripe timestamps (default Europe/Paris). */
	zone?: string;
	actor?: string;
}

export interface RejectedRecord {
	kind: 'invoice' | 'payment';
	/** Position of the record in the body's list (invoices and credit notes count together). */
	index: number;
	/** Invoice number or payment reference, when known. */
	ref?: string;
	code: string;
	field?: string;
	message: Said;
	hint?: Said;
	input: unknown;
}

export interface SignedRequestRefused {
	status: 'refused';
	httpStatus: 400 | 401 | 413;
	code: string;
	message: Said;
	hint: Said;
	deliveryId?: string;
}

export interface StoredInvoiceSummary {
	index: number;
	number: string;
	docType: string;
	customerId: string;
	status: StoreStatus;
	id?: string;
	revision?: number;
	warnings: Anomaly[];
}

export interface SignedRequestAccepted {
	status: 'accepted';
	httpStatus: 200;
	source: string;
	deliveryId: string;
	invoices: StoredInvoiceSummary[];
	payments: PaymentOutcome[];
	rejected: RejectedRecord[];
	/** Invoices that payments of this request paid in full (for the thank-you stage). */
	paid: InvoicePaidEvent[];
	/** Set when the request carried nothing to store (e.g. a Stripe event about something else). */
	ignored?: string;
}

export type SignedRequestResult = SignedRequestRefused | SignedRequestAccepted;

const REFUSALS: Record<string, [Said, Said]> = {
	BODY_TOO_LARGE: [
		{ en: 'The request body is too large.', fr: 'Le corps de la requête est trop volumineux.' },
		{ en: 'Send fewer records per request.', fr: 'Envoyez moins d’enregistrements par requête.' },
	],
	TOO_MANY_RECORDS: [
		{ en: 'The request carries too many records.', fr: "La requête contient trop d'enregistrements." },
		{ en: 'Send fewer records per request.', fr: 'Envoyez moins d’enregistrements par requête.' },
	],
	BODY_NOT_JSON: [
		{ en: 'The request body is not UTF-8 JSON.', fr: "Le corps de la requête n'est pas du JSON UTF-8." },
		{ en: 'Send application/json encoded in UTF-8.', fr: 'Envoyez du application/json encodé en UTF-8.' },
	],
	BODY_SHAPE: [
		{ en: 'The body holds neither invoices, credit notes, payments nor a Stripe event.', fr: "Le corps ne contient ni factures, ni avoirs, ni paiements, ni événement Stripe." },
		{ en: 'Send {"invoices": [...], "creditNotes": [...], "payments": [...]}.', fr: 'Envoyez {"invoices": [...], "creditNotes": [...], "payments": [...]}.' },
	],
	DELIVERY_ID_MISSING: [
		{ en: 'The Stripe event has no id.', fr: "L'événement Stripe n'a pas d'identifiant." },
		{ en: 'Send the event as Stripe builds it.', fr: "Envoyez l'événement tel que Stripe le construit." },
	],
	REPLAYED: [
		{ en: 'This delivery was already received: nothing was changed.', fr: 'Cet envoi a déjà été reçu : rien n’a été modifié.' },
		{ en: 'Send new data with a new delivery id. The data of the first delivery is in the ledger.', fr: "Envoyez les nouvelles données avec un nouvel identifiant d'envoi. Les données du premier envoi sont dans le grand livre." },
	],
};

function refuse(httpStatus: SignedRequestRefused['httpStatus'], code: string, deliveryId?: string, said?: [Said, Said]): SignedRequestRefused {
	const [message, hint] = said ?? REFUSALS[code];
	return { status: 'refused', httpStatus, code, message, hint, ...(deliveryId ? { deliveryId } : {}) };
}

function header(headers: Record<string, unknown>, name: string): string | undefined {
	for (const [key, value] of Object.entries(headers)) {
		if (key.toLowerCase() !== name) continue;
		if (Array.isArray(value)) return value.map(String).join(',');
		return value === undefined || value === null ? undefined : String(value);
	}
	return undefined;
}

interface Extracted {
	invoices: Array<{ index: number; invoice: LedgerInvoice; creditedStripeInvoiceId?: string }>;
	payments: Array<{ index: number; payment: PaymentInput }>;
	rejected: RejectedRecord[];
	stripeEventId?: string;
	ignored?: string;
}

function rejectedFrom(kind: RejectedRecord['kind'], index: number, anomalies: Anomaly[], input: unknown, ref?: string): RejectedRecord {
	const blocking = anomalies.filter((a) => a.severity === 'block');
	const first = blocking[0] ?? anomalies[0];
	const join = (lang: 'en' | 'fr') => blocking.map((a) => `${a.field ? `${a.field}: ` : ''}${a.message[lang]}`).join(' ');
	return {
		kind, index, ...(ref ? { ref } : {}), code: first?.code ?? 'INVALID', ...(first?.field ? { field: first.field } : {}),
		message: { en: join('en'), fr: join('fr') }, ...(first ? { hint: first.hint } : {}), input,
	};
}

function fromStripe(event: Record<string, unknown>, options: ReceiveSignedRequestOptions): Extracted {
	const mapped = mapStripeEvent(event, { zone: options.zone });
	const out: Extracted = { invoices: [], payments: [], rejected: [], stripeEventId: mapped.eventId, ...(mapped.ignored ? { ignored: mapped.ignored } : {}) };
	mapped.documents.forEach((doc: StripeDocument, index) => {
		const checked = doc.invoice && options.checks !== false ? checkRecordInvoice(doc.invoice, options.checks ?? {}) : [];
		if (doc.invoice && hasBlocking(checked)) out.rejected.push(rejectedFrom('invoice', index, checked, (event.data as Record<string, unknown>)?.object));
		else if (doc.invoice) {
			const invoice = checked.length ? { ...doc.invoice, anomalies: [...(doc.invoice.anomalies ?? []), ...checked] } : doc.invoice;
			out.invoices.push({ index, invoice, ...(doc.creditedStripeInvoiceId ? { creditedStripeInvoiceId: doc.creditedStripeInvoiceId } : {}) });
		} else out.rejected.push(rejectedFrom('invoice', index, doc.anomalies, (event.data as Record<string, unknown>)?.object));
	});
	mapped.payments.forEach((payment, index) => out.payments.push({ index, payment }));
	return out;
}

function fromRecords(body: unknown, options: ReceiveSignedRequestOptions, source: string): Extracted | undefined {
	let invoices: unknown[] = [];
	let creditNotes: unknown[] = [];
	let payments: unknown[] = [];
	if (Array.isArray(body)) invoices = body;
	else if (body && typeof body === 'object') {
		const b = body as Record<string, unknown>;
		const lists = ['invoices', 'creditNotes', 'payments'].filter((k) => Array.isArray(b[k]));
		if (lists.length) {
			invoices = (b.invoices as unknown[]) ?? [];
			creditNotes = (b.creditNotes as unknown[]) ?? [];
			payments = (b.payments as unknown[]) ?? [];
		} else if (b.number !== undefined) invoices = [b];
		else return undefined;
	} else return undefined;
	const out: Extracted = { invoices: [], payments: [], rejected: [] };
	const documents = [...invoices.map((r) => [r, 'invoice'] as const), ...creditNotes.map((r) => [r, 'credit_note'] as const)];
	documents.forEach(([record, docType], index) => {
		if (!record || typeof record !== 'object' || Array.isArray(record)) {
			out.rejected.push(rejectedFrom('invoice', index, [anomaly('INVOICE_NOT_OBJECT', 'block', undefined, 'The record is not a JSON object.', "L'enregistrement n'est pas un objet JSON.", 'Send each invoice as an object of fields.', 'Envoyez chaque facture comme un objet de champs.')], record));
			return;
		}
		const r = record as InvoiceRecord;
		const { invoice, anomalies } = normaliseInvoiceRecord({ ...r, docType: r.docType ?? docType }, { source: 'webhook', defaultCurrency: options.defaultCurrency, checks: options.checks });
		if (invoice) out.invoices.push({ index, invoice });
		else out.rejected.push(rejectedFrom('invoice', index, anomalies, record, typeof r.number === 'string' ? r.number : undefined));
	});
	payments.forEach((record, index) => {
		if (!record || typeof record !== 'object' || Array.isArray(record)) {
			out.rejected.push(rejectedFrom('payment', index, [anomaly('PAYMENT_NOT_OBJECT', 'block', undefined, 'The record is not a JSON object.', "L'enregistrement n'est pas un objet JSON.", 'Send each payment as an object of fields.', 'Envoyez chaque paiement comme un objet de champs.')], record));
			return;
		}
		const { payment, anomalies } = normalisePaymentRecord(record as Record<string, unknown>, { source, defaultCurrency: options.defaultCurrency, zone: options.zone });
		const ref = (record as Record<string, unknown>).externalRef;
		if (payment) out.payments.push({ index, payment });
		else out.rejected.push(rejectedFrom('payment', index, anomalies, record, typeof ref === 'string' ? ref : undefined));
	});
	return out;
}

/** Stores invoices inside the caller's transaction; a failing batch is split (savepoints) to isolate bad rows. */
async function storeInvoicesInTransaction(client: PoolClient, invoices: LedgerInvoice[], options: { createMissingCustomers?: boolean; actor?: string }): Promise<StoreOutcome[]> {
	const results: StoreOutcome[] = [];
	const run = async (offset: number, slice: LedgerInvoice[]): Promise<void> => {
		await client.query('SAVEPOINT invoices');
		try {
			results.push(...(await storeBatch(client, slice, offset, options)));
			await client.query('RELEASE SAVEPOINT invoices');
		} catch (error) {
			await client.query('ROLLBACK TO SAVEPOINT invoices');
			const code = (error as { code?: string }).code;
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the core is free of n8n: nodes convert its errors (nodes/shared/errors.ts)
			if (error instanceof ReceivablesError || code === '40001' || code === '40P01') throw error;
			if (slice.length === 1) {
				results.push({ index: offset, number: slice[0].number, status: 'rejected', error: dbErrorToItem(error as Error) });
				return;
			}
			const half = Math.ceil(slice.length / 2);
			await run(offset, slice.slice(0, half));
			await run(offset + half, slice.slice(half));
		}
	};
	if (invoices.length) await run(0, invoices);
	return results.sort((a, b) => a.index - b.index);
}

/**
 * Verifies a signed request and, if it is genuine, fresh and new, stores what it carries — invoices, credit
 * notes, payments (allocated) — and its delivery id in one transaction. Returns `refused` (401 for an
 * unsigned, badly signed, stale or replayed request; 400/413 for a body that cannot be read) with nothing
 * changed, or `accepted` once committed, with each record's outcome and the records rejected (what is wrong,
 * how to fix it, in English and French).
 */
export async function receiveSignedRequest(ledger: Ledger, request: SignedRequest, options: ReceiveSignedRequestOptions): Promise<SignedRequestResult> {
	const scheme = options.scheme ?? 'receivables';
	const source = (options.source ?? 'accounting').trim() || 'accounting';
	const rawBody = request.rawBody;
	if (rawBody.length > (options.maxBodyBytes ?? 5 * 1024 * 1024)) return refuse(413, 'BODY_TOO_LARGE');
	const signatureHeader = header(request.headers, scheme === 'stripe' ? STRIPE_SIGNATURE_HEADER : RECEIVABLES_SIGNATURE_HEADER);
	const deliveryHeader = header(request.headers, RECEIVABLES_DELIVERY_HEADER);
	const verdict = verifySignature({ rawBody, header: signatureHeader, deliveryId: deliveryHeader, secret: options.secret, scheme, now: options.now, toleranceSeconds: options.toleranceSeconds });
	if (!verdict.ok) return refuse(401, verdict.code, undefined, [verdict.message, verdict.hint]);

	let body: unknown;
	try {
		body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(rawBody).replace(/^\uFEFF/, ''));
	} catch {
		return refuse(400, 'BODY_NOT_JSON', deliveryHeader);
	}
	const isStripeEvent = !!body && typeof body === 'object' && !Array.isArray(body) && (body as Record<string, unknown>).object === 'event';
	if (scheme === 'stripe' && !isStripeEvent) return refuse(400, 'BODY_SHAPE');
	if (options.checks === undefined) options = { ...options, checks: await loadIntakeSettings(ledger) };
	const extracted = isStripeEvent ? fromStripe(body as Record<string, unknown>, options) : fromRecords(body, options, source);
	if (!extracted) return refuse(400, 'BODY_SHAPE', deliveryHeader);
	const deliveryId = scheme === 'stripe' ? extracted.stripeEventId : deliveryHeader;
	if (!deliveryId) return refuse(400, 'DELIVERY_ID_MISSING');
	if (extracted.invoices.length + extracted.payments.length + extracted.rejected.length > (options.maxRecords ?? 10000)) return refuse(413, 'TOO_MANY_RECORDS', deliveryId);

	const actor = options.actor ?? `webhook:${source}`;
	return await retryTransient(() => ledger.transaction(async (client): Promise<SignedRequestResult> => {
		const fresh = await client.query('INSERT INTO webhook_deliveries (source, delivery_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING delivery_id', [source, deliveryId]);
		if (fresh.rowCount === 0) return refuse(401, 'REPLAYED', deliveryId);

		const rejected = [...extracted.rejected];
		for (const entry of extracted.invoices) {
			if (!entry.creditedStripeInvoiceId) continue;
			const found = await client.query<{ number: string }>("SELECT number FROM invoices WHERE source = 'stripe' AND source_ref = $1 AND doc_type = 'invoice' LIMIT 1", [entry.creditedStripeInvoiceId]);
			if (found.rows[0]) entry.invoice = { ...entry.invoice, creditedNumber: found.rows[0].number };
			else entry.invoice = { ...entry.invoice, anomalies: [...(entry.invoice.anomalies ?? []), anomaly('STRIPE_CREDITED_INVOICE_UNKNOWN', 'warn', 'invoice', `The invoice ${entry.creditedStripeInvoiceId} this credit note belongs to is not in the ledger: the credit stays on the customer's account.`, `La facture ${entry.creditedStripeInvoiceId} de cet avoir n'est pas dans le grand livre : l'avoir reste au compte du client.`, 'Send the invoice first; the credit note can then be sent again with a new delivery.', "Envoyez d'abord la facture ; l'avoir pourra être renvoyé dans un nouvel envoi.")] };
		}
		const documents = extracted.invoices.map((e) => ({ ...e.invoice, sourceRef: e.invoice.sourceRef ?? deliveryId }));
		const outcomes = await storeInvoicesInTransaction(client, documents, { createMissingCustomers: options.createMissingCustomers, actor });
		const invoices: StoredInvoiceSummary[] = [];
		for (const outcome of outcomes) {
			const entry = extracted.invoices[outcome.index];
			if (outcome.status === 'rejected') {
				rejected.push({ kind: 'invoice', index: entry.index, ref: entry.invoice.number, code: outcome.error?.code ?? 'INVOICE_REJECTED', message: { en: outcome.error?.message ?? 'Rejected.', fr: frenchStoreError(outcome.error?.code, entry.invoice)[0] }, ...(outcome.error?.hint ? { hint: { en: outcome.error.hint, fr: frenchStoreError(outcome.error.code, entry.invoice)[1] ?? outcome.error.hint } } : {}), input: entry.invoice.number });
				continue;
			}
			invoices.push({
				index: entry.index, number: entry.invoice.number, docType: entry.invoice.docType, customerId: entry.invoice.customerExternalId,
				status: outcome.status, ...(outcome.id ? { id: outcome.id } : {}), ...(outcome.revision ? { revision: outcome.revision } : {}),
				warnings: ((entry.invoice.anomalies ?? []) as Anomaly[]).filter((a) => a.severity === 'warn'),
			});
		}
		const stored = await storePaymentsWith(client, extracted.payments.map((p) => p.payment), { actor, names: new PayerNameIndex() });
		const payments: PaymentOutcome[] = [];
		for (const outcome of stored) {
			const entry = extracted.payments[outcome.index];
			if (outcome.status === 'rejected') {
				rejected.push({ kind: 'payment', index: entry.index, ref: outcome.externalRef, code: outcome.error?.code ?? 'PAYMENT_REJECTED', message: { en: outcome.error?.message ?? 'Rejected.', fr: outcome.error?.messageFr ?? outcome.error?.message ?? 'Refusé.' }, ...(outcome.error?.hint ? { hint: { en: outcome.error.hint, fr: outcome.error.hintFr ?? outcome.error.hint } } : {}), input: outcome.externalRef });
			} else payments.push({ ...outcome, index: entry.index });
		}
		const paid = payments.flatMap((p) => p.allocation?.paid ?? []);
		await client.query(
			`INSERT INTO history (kind, channel, actor, summary, payload) VALUES ('webhook_received', 'webhook', $1, $2, $3)`,
			[actor, `Signed delivery ${deliveryId} from ${source}: ${invoices.length} document(s), ${payments.length} payment(s), ${rejected.length} rejected`,
				JSON.stringify({ source, deliveryId, invoices: invoices.length, payments: payments.length, rejected: rejected.length, ...(extracted.ignored ? { ignored: extracted.ignored } : {}) })],
		);
		return { status: 'accepted', httpStatus: 200, source, deliveryId, invoices, payments, rejected: rejected.sort((a, b) => (a.kind === b.kind ? a.index - b.index : a.kind === 'invoice' ? -1 : 1)), paid, ...(extracted.ignored ? { ignored: extracted.ignored } : {}) };
	}));
}

/** French wording of the ledger's store errors: [message, hint]. */
function frenchStoreError(code: string | undefined, invoice: LedgerInvoice): [string, string | undefined] {
	switch (code) {
		case 'INVOICE_UNKNOWN_CUSTOMER':
			return [`Le client « ${invoice.customerExternalId} » n'est pas dans le grand livre.`, "Importez d'abord le client, ou autorisez la création des clients manquants."];
		case 'INVOICE_BAD_DATE':
			return ["Une date de la facture n'est pas une date réelle.", 'Utilisez des dates AAAA-MM-JJ qui existent.'];
		case 'INVOICE_AMOUNT_OUT_OF_RANGE':
			return ['Un montant de la facture est hors limites.', 'Vérifiez les montants et leur séparateur décimal.'];
		default:
			return [`La facture ${invoice.number} n'a pas pu être enregistrée.`, undefined];
	}
}

/** What to answer the sender: a short JSON summary (no ledger ids, no customer data beyond what it sent). */
export function signedRequestResponse(result: SignedRequestResult): Record<string, unknown> {
	if (result.status === 'refused') {
		return { received: false, code: result.code, error: result.message.en, errorFr: result.message.fr, hint: result.hint.en };
	}
	const count = <T extends { status: string }>(list: T[], status: string) => list.filter((x) => x.status === status).length;
	return {
		received: true,
		deliveryId: result.deliveryId,
		invoices: { created: count(result.invoices, 'created'), revised: count(result.invoices, 'revised'), unchanged: count(result.invoices, 'unchanged') },
		payments: { created: count(result.payments, 'created'), unchanged: count(result.payments, 'unchanged') },
		rejected: result.rejected.map((r) => ({ kind: r.kind, index: r.index, ref: r.ref ?? null, code: r.code, error: r.message.en, errorFr: r.message.fr })),
		...(result.ignored ? { ignored: result.ignored } : {}),
	};
}
