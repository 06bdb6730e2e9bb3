import { createHash, randomBytes } from 'node:crypto';
import type { PoolClient } from 'pg';
import { ReceivablesError } from '../errors';
import { timelineEvent } from '../dunning/timeline-text';
import { dbErrorToItem, storeBatch } from '../ledger/invoices';
import type { Ledger } from '../ledger/ledger';
import {
	PayerNameIndex,
	retryTransient,
	storePaymentsWith,
	type InvoicePaidEvent,
	type PaymentInput,
	type PaymentOutcome,
} from '../ledger/payments';
import type { LedgerInvoice, StoreOutcome, StoreStatus } from '../ledger/types';
import { anomaly, hasBlocking, type Anomaly } from './anomaly';
import { checkRecordInvoice, type CheckOptions } from './checks/check';
import { loadIntakeSettings } from './checks/ledger';
import { lookupIntegrationKey, RECEIVABLES_KEY_HEADER } from './keys';
import { normalisePaymentRecord } from './paymentRecord';
import { normaliseInvoiceRecord, type InvoiceRecord } from './record';
import {
	INTAKE_PURPOSE,
	RECEIVABLES_DELIVERY_HEADER,
	RECEIVABLES_SIGNATURE_HEADER,
	STRIPE_SIGNATURE_HEADER,
	verifySignature,
	type SignatureScheme,
} from './signature';
import { mapStripeEvent, type StripeDocument } from './stripe';

/**
 * A signed request from accounting software (or Stripe), verified and stored in ONE transaction together with
 * its delivery id, the hash of its body and the answer given: the same delivery sent again (a retry after a lost
 * answer) changes nothing and gets the first answer again; a different body under a used delivery id is refused
 * (409); a crash before commit leaves neither the data nor the id, so the sender's retry is stored normally. The
 * caller answers 2xx only for an `accepted` or `repeated` result, which is returned after the commit.
 *
 * Order of the checks: size (413), key and signature (401), UTF-8 without NUL (400), JSON (400), then the ledger.
 * Nothing of an unsigned body is parsed or stored. Database faults never reach the sender: it gets a generic
 * message and a reference, the detail goes to the log (`options.log`) and to the refused result's `detail`.
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
	/**
	 * The shared secret of the Receivables Webhook credential (several while it is replaced): used for requests
	 * that name no integration key (no X-Receivables-Key header). Empty: such requests are refused.
	 */
	secret?: string | string[];
	/** The webhook's purpose, bound into every receivables signature (default `intake`). */
	purpose?: string;
	/** Where internal faults are written (with their reference); the sender only sees the reference. */
	log?: (message: string, meta: Record<string, unknown>) => void;
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
	httpStatus: 400 | 401 | 409 | 413 | 500;
	code: string;
	message: Said;
	hint: Said;
	deliveryId?: string;
	/** For an internal fault: the reference given to the sender, to find the detail in the log. */
	reference?: string;
	/** For an internal fault: what failed (never sent to the sender). */
	detail?: string;
}

/** The same delivery (same delivery id, same body) received again: nothing changed, the first answer is repeated. */
export interface SignedRequestRepeated {
	status: 'repeated';
	httpStatus: 200;
	source: string;
	deliveryId: string;
	/** The answer given the first time. */
	response: Record<string, unknown>;
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
	/** The integration key that signed, when the request named one. */
	keyId?: string;
	invoices: StoredInvoiceSummary[];
	payments: PaymentOutcome[];
	rejected: RejectedRecord[];
	/** Invoices that payments of this request paid in full (for the thank-you stage). */
	paid: InvoicePaidEvent[];
	/** Set when the request carried nothing to store (e.g. a Stripe event about something else). */
	ignored?: string;
}

export type SignedRequestResult =
	| SignedRequestRefused
	| SignedRequestAccepted
	| SignedRequestRepeated;

const REFUSALS: Record<string, [Said, Said]> = {
	BODY_TOO_LARGE: [
		{ en: 'The request body is too large.', fr: 'Le corps de la requête est trop volumineux.' },
		{ en: 'Send fewer records per request.', fr: 'Envoyez moins d’enregistrements par requête.' },
	],
	TOO_MANY_RECORDS: [
		{
			en: 'The request carries too many records.',
			fr: "La requête contient trop d'enregistrements.",
		},
		{ en: 'Send fewer records per request.', fr: 'Envoyez moins d’enregistrements par requête.' },
	],
	BODY_NOT_JSON: [
		{
			en: 'The request body is not UTF-8 JSON.',
			fr: "Le corps de la requête n'est pas du JSON UTF-8.",
		},
		{
			en: 'Send application/json encoded in UTF-8.',
			fr: 'Envoyez du application/json encodé en UTF-8.',
		},
	],
	BODY_NOT_UTF8: [
		{
			en: 'The request body is not valid UTF-8.',
			fr: "Le corps de la requête n'est pas de l'UTF-8 valide.",
		},
		{
			en: 'Encode the JSON in UTF-8 (not Latin-1 or Windows-1252).',
			fr: 'Encodez le JSON en UTF-8 (pas en Latin-1 ni en Windows-1252).',
		},
	],
	BODY_NUL: [
		{
			en: 'The request body contains a NUL character (\\u0000).',
			fr: 'Le corps de la requête contient un caractère NUL (\\u0000).',
		},
		{
			en: 'Remove NUL characters from the text fields before sending.',
			fr: 'Retirez les caractères NUL des champs texte avant l’envoi.',
		},
	],
	KEY_UNKNOWN: [
		{
			en: 'The integration key named in X-Receivables-Key is not known.',
			fr: "La clé d'intégration indiquée dans X-Receivables-Key est inconnue.",
		},
		{
			en: 'Send the key id given with the secret, or ask for a new key.',
			fr: "Envoyez l'identifiant de clé remis avec le secret, ou demandez une nouvelle clé.",
		},
	],
	KEY_REVOKED: [
		{ en: 'The integration key was revoked.', fr: "La clé d'intégration a été révoquée." },
		{ en: 'Ask for a new key.', fr: 'Demandez une nouvelle clé.' },
	],
	KEY_EXPIRED: [
		{
			en: 'The integration key has expired (it was replaced).',
			fr: "La clé d'intégration a expiré (elle a été remplacée).",
		},
		{ en: 'Sign with the new key.', fr: 'Signez avec la nouvelle clé.' },
	],
	KEY_PURPOSE: [
		{
			en: 'The integration key may not sign for this webhook.',
			fr: "La clé d'intégration ne peut pas signer pour ce webhook.",
		},
		{ en: 'Use the key given for this webhook.', fr: 'Utilisez la clé remise pour ce webhook.' },
	],
	DELIVERY_CONFLICT: [
		{
			en: 'This delivery id was already used for a different body: nothing was changed.',
			fr: "Cet identifiant d'envoi a déjà servi pour un autre contenu : rien n'a été modifié.",
		},
		{
			en: 'Give each new delivery a new id; a retry keeps the id and the exact same body.',
			fr: "Donnez un nouvel identifiant à chaque nouvel envoi ; une nouvelle tentative garde l'identifiant et exactement le même contenu.",
		},
	],
	INTERNAL_ERROR: [
		{
			en: 'The request could not be processed: nothing was changed.',
			fr: "La requête n'a pas pu être traitée : rien n'a été modifié.",
		},
		{
			en: 'Send it again later with the same delivery id; if it keeps failing, give the reference to the receiving company.',
			fr: "Renvoyez-la plus tard avec le même identifiant d'envoi ; si l'échec persiste, communiquez la référence à l'entreprise destinataire.",
		},
	],
	BODY_SHAPE: [
		{
			en: 'The body holds neither invoices, credit notes, payments nor a Stripe event.',
			fr: 'Le corps ne contient ni factures, ni avoirs, ni paiements, ni événement Stripe.',
		},
		{
			en: 'Send {"invoices": [...], "creditNotes": [...], "payments": [...]}.',
			fr: 'Envoyez {"invoices": [...], "creditNotes": [...], "payments": [...]}.',
		},
	],
	DELIVERY_ID_MISSING: [
		{ en: 'The Stripe event has no id.', fr: "L'événement Stripe n'a pas d'identifiant." },
		{
			en: 'Send the event as Stripe builds it.',
			fr: "Envoyez l'événement tel que Stripe le construit.",
		},
	],
	REPLAYED: [
		{
			en: 'This delivery was already received: nothing was changed.',
			fr: 'Cet envoi a déjà été reçu : rien n’a été modifié.',
		},
		{
			en: 'Send new data with a new delivery id. The data of the first delivery is in the ledger.',
			fr: "Envoyez les nouvelles données avec un nouvel identifiant d'envoi. Les données du premier envoi sont dans le grand livre.",
		},
	],
};

export function refuse(
	httpStatus: SignedRequestRefused['httpStatus'],
	code: string,
	deliveryId?: string,
	said?: [Said, Said],
): SignedRequestRefused {
	const [message, hint] = said ?? REFUSALS[code];
	return {
		status: 'refused',
		httpStatus,
		code,
		message,
		hint,
		...(deliveryId ? { deliveryId } : {}),
	};
}

/** A reference for an internal fault: short, random, easy to read out on the phone. */
export function faultReference(): string {
	return `ERR-${randomBytes(5).toString('hex').toUpperCase()}`;
}

export function internalFault(
	error: unknown,
	options: Pick<ReceiveSignedRequestOptions, 'log'>,
	context: Record<string, unknown>,
): SignedRequestRefused {
	const reference = faultReference();
	const e = error as { code?: string; message?: string };
	const detail = `${e?.code ? `${e.code}: ` : ''}${e?.message ?? String(error)}`;
	options.log?.(`Signed webhook: internal fault ${reference}`, { reference, detail, ...context });
	return {
		...refuse(
			500,
			'INTERNAL_ERROR',
			typeof context.deliveryId === 'string' ? context.deliveryId : undefined,
		),
		reference,
		detail,
	};
}

/** Whether any string of a parsed JSON value holds a NUL character (Postgres text cannot store it). */
/** Whether a parsed body holds a NUL character in any text or key (`\u0000` in JSON): the ledger cannot store it. */
export function holdsNul(value: unknown, depth = 0): boolean {
	if (typeof value === 'string') return value.includes('\u0000');
	if (depth > 64 || value === null || typeof value !== 'object') return false;
	if (Array.isArray(value)) return value.some((v) => holdsNul(v, depth + 1));
	for (const [k, v] of Object.entries(value))
		if (k.includes('\u0000') || holdsNul(v, depth + 1)) return true;
	return false;
}

/** Store errors that carry database text: the sender gets fixed words (and a reference), the log the detail. */
const STORE_ERROR_WORDS: Record<string, Said> = {
	INVOICE_BAD_DATE: {
		en: 'A date of the invoice is not a real calendar date.',
		fr: "Une date de la facture n'est pas une date réelle.",
	},
	PAYMENT_BAD_DATE: {
		en: 'The payment date is not a real calendar date.',
		fr: "La date du paiement n'est pas une date réelle.",
	},
	INVOICE_AMOUNT_OUT_OF_RANGE: {
		en: 'An amount of the invoice is out of range.',
		fr: 'Un montant de la facture est hors limites.',
	},
};
const STORE_FAULTS = new Set(['INVOICE_STORE_FAILED', 'PAYMENT_STORE_FAILED']);

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

function rejectedFrom(
	kind: RejectedRecord['kind'],
	index: number,
	anomalies: Anomaly[],
	input: unknown,
	ref?: string,
): RejectedRecord {
	const blocking = anomalies.filter((a) => a.severity === 'block');
	const first = blocking[0] ?? anomalies[0];
	const join = (lang: 'en' | 'fr') =>
		blocking.map((a) => `${a.field ? `${a.field}: ` : ''}${a.message[lang]}`).join(' ');
	return {
		kind,
		index,
		...(ref ? { ref } : {}),
		code: first?.code ?? 'INVALID',
		...(first?.field ? { field: first.field } : {}),
		message: { en: join('en'), fr: join('fr') },
		...(first ? { hint: first.hint } : {}),
		input,
	};
}

function fromStripe(
	event: Record<string, unknown>,
	options: ReceiveSignedRequestOptions,
): Extracted {
	const mapped = mapStripeEvent(event, { zone: options.zone });
	const out: Extracted = {
		invoices: [],
		payments: [],
		rejected: [],
		stripeEventId: mapped.eventId,
		...(mapped.ignored ? { ignored: mapped.ignored } : {}),
	};
	mapped.documents.forEach((doc: StripeDocument, index) => {
		const checked =
			doc.invoice && options.checks !== false
				? checkRecordInvoice(doc.invoice, options.checks ?? {})
				: [];
		if (doc.invoice && hasBlocking(checked))
			out.rejected.push(
				rejectedFrom('invoice', index, checked, (event.data as Record<string, unknown>)?.object),
			);
		else if (doc.invoice) {
			const invoice = checked.length
				? { ...doc.invoice, anomalies: [...(doc.invoice.anomalies ?? []), ...checked] }
				: doc.invoice;
			out.invoices.push({
				index,
				invoice,
				...(doc.creditedStripeInvoiceId
					? { creditedStripeInvoiceId: doc.creditedStripeInvoiceId }
					: {}),
			});
		} else
			out.rejected.push(
				rejectedFrom(
					'invoice',
					index,
					doc.anomalies,
					(event.data as Record<string, unknown>)?.object,
				),
			);
	});
	mapped.payments.forEach((payment, index) => out.payments.push({ index, payment }));
	return out;
}

function fromRecords(
	body: unknown,
	options: ReceiveSignedRequestOptions,
	source: string,
): Extracted | undefined {
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
	const documents = [
		...invoices.map((r) => [r, 'invoice'] as const),
		...creditNotes.map((r) => [r, 'credit_note'] as const),
	];
	documents.forEach(([record, docType], index) => {
		if (!record || typeof record !== 'object' || Array.isArray(record)) {
			out.rejected.push(
				rejectedFrom(
					'invoice',
					index,
					[
						anomaly(
							'INVOICE_NOT_OBJECT',
							'block',
							undefined,
							'The record is not a JSON object.',
							"L'enregistrement n'est pas un objet JSON.",
							'Send each invoice as an object of fields.',
							'Envoyez chaque facture comme un objet de champs.',
						),
					],
					record,
				),
			);
			return;
		}
		const r = record as InvoiceRecord;
		const { invoice, anomalies } = normaliseInvoiceRecord(
			{ ...r, docType: r.docType ?? docType },
			{ source: 'webhook', defaultCurrency: options.defaultCurrency, checks: options.checks },
		);
		if (invoice) out.invoices.push({ index, invoice });
		else
			out.rejected.push(
				rejectedFrom(
					'invoice',
					index,
					anomalies,
					record,
					typeof r.number === 'string' ? r.number : undefined,
				),
			);
	});
	payments.forEach((record, index) => {
		if (!record || typeof record !== 'object' || Array.isArray(record)) {
			out.rejected.push(
				rejectedFrom(
					'payment',
					index,
					[
						anomaly(
							'PAYMENT_NOT_OBJECT',
							'block',
							undefined,
							'The record is not a JSON object.',
							"L'enregistrement n'est pas un objet JSON.",
							'Send each payment as an object of fields.',
							'Envoyez chaque paiement comme un objet de champs.',
						),
					],
					record,
				),
			);
			return;
		}
		const { payment, anomalies } = normalisePaymentRecord(record as Record<string, unknown>, {
			source,
			defaultCurrency: options.defaultCurrency,
			zone: options.zone,
		});
		const ref = (record as Record<string, unknown>).externalRef;
		if (payment) out.payments.push({ index, payment });
		else
			out.rejected.push(
				rejectedFrom(
					'payment',
					index,
					anomalies,
					record,
					typeof ref === 'string' ? ref : undefined,
				),
			);
	});
	return out;
}

/** Stores invoices inside the caller's transaction; a failing batch is split (savepoints) to isolate bad rows. */
async function storeInvoicesInTransaction(
	client: PoolClient,
	invoices: LedgerInvoice[],
	options: { createMissingCustomers?: boolean; actor?: string },
): Promise<StoreOutcome[]> {
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
				results.push({
					index: offset,
					number: slice[0].number,
					status: 'rejected',
					error: dbErrorToItem(error as Error),
				});
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
/** A signed request whose size, key and signature were checked and whose body is readable UTF-8 text without NUL. */
export interface AuthenticatedRequest {
	ok: true;
	/** The sending system: the integration key's sender, else the configured source. */
	source: string;
	keyId?: string;
	/** The X-Receivables-Delivery header, when sent. */
	deliveryHeader?: string;
	text: string;
}

/**
 * The checks every signed webhook makes before reading a byte of the body, in this order: size (413), integration
 * key and signature bound to the webhook's purpose (401), UTF-8 without NUL (400). Shared by the intake and the
 * e-invoicing lifecycle webhooks, so both refuse exactly the same requests with the same words.
 */
export async function authenticateSignedRequest(
	ledger: Ledger,
	request: SignedRequest,
	options: Pick<
		ReceiveSignedRequestOptions,
		'scheme' | 'purpose' | 'source' | 'secret' | 'now' | 'toleranceSeconds' | 'maxBodyBytes' | 'log'
	> & { defaultSource?: string },
): Promise<AuthenticatedRequest | SignedRequestRefused> {
	const scheme = options.scheme ?? 'receivables';
	const purpose = options.purpose ?? INTAKE_PURPOSE;
	const fallbackSource = options.defaultSource ?? 'accounting';
	let source = (options.source ?? fallbackSource).trim() || fallbackSource;
	const rawBody = request.rawBody;
	if (rawBody.length > (options.maxBodyBytes ?? 5 * 1024 * 1024))
		return refuse(413, 'BODY_TOO_LARGE');
	const signatureHeader = header(
		request.headers,
		scheme === 'stripe' ? STRIPE_SIGNATURE_HEADER : RECEIVABLES_SIGNATURE_HEADER,
	);
	const deliveryHeader = header(request.headers, RECEIVABLES_DELIVERY_HEADER);
	const keyHeader =
		scheme === 'receivables' ? header(request.headers, RECEIVABLES_KEY_HEADER)?.trim() : undefined;
	let secret: string | string[] = options.secret ?? [];
	let keyId: string | undefined;
	if (keyHeader) {
		// The key is looked up only once the header is there; its secret never leaves this function.
		let found: Awaited<ReturnType<typeof lookupIntegrationKey>>;
		try {
			found = await lookupIntegrationKey(ledger, keyHeader, purpose, options.now);
		} catch (error) {
			return internalFault(error, options, { step: 'key lookup', keyId: keyHeader.slice(0, 64) });
		}
		if (!found.ok) return refuse(401, found.code);
		secret = found.secret;
		source = found.sender;
		keyId = found.keyId;
	}
	const verdict = verifySignature({
		rawBody,
		header: signatureHeader,
		deliveryId: deliveryHeader,
		secret,
		scheme,
		now: options.now,
		toleranceSeconds: options.toleranceSeconds,
		...(scheme === 'receivables' ? { purpose } : {}),
	});
	if (!verdict.ok) return refuse(401, verdict.code, undefined, [verdict.message, verdict.hint]);

	let text: string;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(rawBody).replace(/^\uFEFF/, '');
	} catch {
		return refuse(400, 'BODY_NOT_UTF8', deliveryHeader);
	}
	if (text.includes('\u0000')) return refuse(400, 'BODY_NUL', deliveryHeader);
	return {
		ok: true,
		source,
		...(keyId ? { keyId } : {}),
		...(deliveryHeader ? { deliveryHeader } : {}),
		text,
	};
}

export async function receiveSignedRequest(
	ledger: Ledger,
	request: SignedRequest,
	options: ReceiveSignedRequestOptions,
): Promise<SignedRequestResult> {
	const scheme = options.scheme ?? 'receivables';
	const purpose = options.purpose ?? INTAKE_PURPOSE;
	const authenticated = await authenticateSignedRequest(ledger, request, options);
	if (!('ok' in authenticated)) return authenticated;
	const { source, keyId, deliveryHeader, text } = authenticated;
	const rawBody = request.rawBody;
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		return refuse(400, 'BODY_NOT_JSON', deliveryHeader);
	}
	if (holdsNul(body)) return refuse(400, 'BODY_NUL', deliveryHeader);
	const isStripeEvent =
		!!body &&
		typeof body === 'object' &&
		!Array.isArray(body) &&
		(body as Record<string, unknown>).object === 'event';
	if (scheme === 'stripe' && !isStripeEvent) return refuse(400, 'BODY_SHAPE');
	if (options.checks === undefined)
		options = { ...options, checks: await loadIntakeSettings(ledger) };
	const extracted = isStripeEvent
		? fromStripe(body as Record<string, unknown>, options)
		: fromRecords(body, options, source);
	if (!extracted) return refuse(400, 'BODY_SHAPE', deliveryHeader);
	const deliveryId = scheme === 'stripe' ? extracted.stripeEventId : deliveryHeader;
	if (!deliveryId) return refuse(400, 'DELIVERY_ID_MISSING');
	if (
		extracted.invoices.length + extracted.payments.length + extracted.rejected.length >
		(options.maxRecords ?? 10000)
	)
		return refuse(413, 'TOO_MANY_RECORDS', deliveryId);

	const bodyHash = createHash('sha256').update(rawBody).digest('hex');
	const actor = options.actor ?? `webhook:${source}`;
	const faults: Array<{ reference: string; detail: string; ref?: string }> = [];
	try {
		return await retryTransient(() =>
			ledger.transaction(async (client): Promise<SignedRequestResult> => {
				faults.length = 0;
				const fresh = await client.query(
					'INSERT INTO webhook_deliveries (source, delivery_id, body_sha256, key_id, purpose) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING delivery_id',
					[source, deliveryId, bodyHash, keyId ?? null, purpose],
				);
				if (fresh.rowCount === 0) {
					const [previous] = (
						await client.query<{
							body_sha256: string | null;
							response: Record<string, unknown> | null;
						}>(
							'SELECT body_sha256, response FROM webhook_deliveries WHERE source = $1 AND delivery_id = $2',
							[source, deliveryId],
						)
					).rows;
					if (previous?.body_sha256 === bodyHash && previous.response) {
						return {
							status: 'repeated',
							httpStatus: 200,
							source,
							deliveryId,
							response: previous.response,
						};
					}
					return refuse(409, 'DELIVERY_CONFLICT', deliveryId);
				}
				if (keyId)
					await client.query('UPDATE integration_keys SET last_used_at = now() WHERE key_id = $1', [
						keyId,
					]);

				const rejected = [...extracted.rejected];
				for (const entry of extracted.invoices) {
					if (!entry.creditedStripeInvoiceId) continue;
					const found = await client.query<{ number: string }>(
						"SELECT number FROM invoices WHERE source = 'stripe' AND source_ref = $1 AND doc_type = 'invoice' LIMIT 1",
						[entry.creditedStripeInvoiceId],
					);
					if (found.rows[0])
						entry.invoice = { ...entry.invoice, creditedNumber: found.rows[0].number };
					else
						entry.invoice = {
							...entry.invoice,
							anomalies: [
								...(entry.invoice.anomalies ?? []),
								anomaly(
									'STRIPE_CREDITED_INVOICE_UNKNOWN',
									'warn',
									'invoice',
									`The invoice ${entry.creditedStripeInvoiceId} this credit note belongs to is not in the ledger: the credit stays on the customer's account.`,
									`La facture ${entry.creditedStripeInvoiceId} de cet avoir n'est pas dans le grand livre : l'avoir reste au compte du client.`,
									'Send the invoice first; the credit note can then be sent again with a new delivery.',
									"Envoyez d'abord la facture ; l'avoir pourra être renvoyé dans un nouvel envoi.",
								),
							],
						};
				}
				const documents = extracted.invoices.map((e) => ({
					...e.invoice,
					sourceRef: e.invoice.sourceRef ?? deliveryId,
				}));
				const outcomes = await storeInvoicesInTransaction(client, documents, {
					createMissingCustomers: options.createMissingCustomers,
					actor,
				});
				const invoices: StoredInvoiceSummary[] = [];
				for (const outcome of outcomes) {
					const entry = extracted.invoices[outcome.index];
					if (outcome.status === 'rejected') {
						const said = storeErrorWords(outcome.error, entry.invoice, faults);
						rejected.push({
							kind: 'invoice',
							index: entry.index,
							ref: entry.invoice.number,
							code: outcome.error?.code ?? 'INVOICE_REJECTED',
							message: said.message,
							...(said.hint ? { hint: said.hint } : {}),
							input: entry.invoice.number,
						});
						continue;
					}
					invoices.push({
						index: entry.index,
						number: entry.invoice.number,
						docType: entry.invoice.docType,
						customerId: entry.invoice.customerExternalId,
						status: outcome.status,
						...(outcome.id ? { id: outcome.id } : {}),
						...(outcome.revision ? { revision: outcome.revision } : {}),
						warnings: ((entry.invoice.anomalies ?? []) as Anomaly[]).filter(
							(a) => a.severity === 'warn',
						),
					});
				}
				const stored = await storePaymentsWith(
					client,
					extracted.payments.map((p) => p.payment),
					{ actor, names: new PayerNameIndex(), zone: options.zone },
				);
				const payments: PaymentOutcome[] = [];
				for (const outcome of stored) {
					const entry = extracted.payments[outcome.index];
					if (outcome.status === 'rejected') {
						const code = outcome.error?.code ?? 'PAYMENT_REJECTED';
						let message: Said = {
							en: outcome.error?.message ?? 'Rejected.',
							fr: outcome.error?.messageFr ?? outcome.error?.message ?? 'Refusé.',
						};
						if (STORE_ERROR_WORDS[code]) message = STORE_ERROR_WORDS[code];
						else if (STORE_FAULTS.has(code)) {
							const reference = faultReference();
							faults.push({
								reference,
								detail: outcome.error?.message ?? '',
								ref: outcome.externalRef,
							});
							message = {
								en: `The payment could not be stored (reference ${reference}).`,
								fr: `Le paiement n'a pas pu être enregistré (référence ${reference}).`,
							};
						}
						rejected.push({
							kind: 'payment',
							index: entry.index,
							ref: outcome.externalRef,
							code,
							message,
							...(outcome.error?.hint
								? {
										hint: {
											en: outcome.error.hint,
											fr: outcome.error.hintFr ?? outcome.error.hint,
										},
									}
								: {}),
							input: outcome.externalRef,
						});
					} else payments.push({ ...outcome, index: entry.index });
				}
				const paid = payments.flatMap((p) => p.allocation?.paid ?? []);
				const received = timelineEvent('webhook_received', {
					source,
					deliveryId,
					invoices: invoices.length,
					payments: payments.length,
					rejected: rejected.length,
				});
				await client.query(
					`INSERT INTO history (kind, channel, actor, summary, payload) VALUES ('webhook_received', 'webhook', $1, $2, $3)`,
					[
						actor,
						received.summary,
						JSON.stringify({
							source,
							deliveryId,
							...(keyId ? { keyId } : {}),
							purpose,
							invoices: invoices.length,
							payments: payments.length,
							rejected: rejected.length,
							...(extracted.ignored ? { ignored: extracted.ignored } : {}),
							timeline: received.timeline,
						}),
					],
				);
				const accepted: SignedRequestAccepted = {
					status: 'accepted',
					httpStatus: 200,
					source,
					deliveryId,
					...(keyId ? { keyId } : {}),
					invoices,
					payments,
					rejected: rejected.sort((a, b) =>
						a.kind === b.kind ? a.index - b.index : a.kind === 'invoice' ? -1 : 1,
					),
					paid,
					...(extracted.ignored ? { ignored: extracted.ignored } : {}),
				};
				await client.query(
					'UPDATE webhook_deliveries SET response = $3 WHERE source = $1 AND delivery_id = $2',
					[source, deliveryId, JSON.stringify(signedRequestResponse(accepted))],
				);
				return accepted;
			}),
		);
	} catch (error) {
		return internalFault(error, options, { step: 'store', source, deliveryId });
	} finally {
		for (const fault of faults)
			options.log?.(`Signed webhook: record not stored, ${fault.reference}`, {
				reference: fault.reference,
				detail: fault.detail,
				source,
				deliveryId,
				record: fault.ref,
			});
	}
}

/** The words a sender gets for a record the ledger refused: database text replaced by fixed words or a reference. */
function storeErrorWords(
	error: StoreOutcome['error'],
	invoice: LedgerInvoice,
	faults: Array<{ reference: string; detail: string; ref?: string }>,
): { message: Said; hint?: Said } {
	const code = error?.code ?? 'INVOICE_REJECTED';
	const [fr, hintFr] = error?.messageFr
		? [error.messageFr, error.hintFr]
		: frenchStoreError(code, invoice);
	if (STORE_ERROR_WORDS[code])
		return {
			message: STORE_ERROR_WORDS[code],
			...(error?.hint ? { hint: { en: error.hint, fr: hintFr ?? error.hint } } : {}),
		};
	if (STORE_FAULTS.has(code) || !error) {
		const reference = faultReference();
		faults.push({ reference, detail: error?.message ?? 'no detail', ref: invoice.number });
		return {
			message: {
				en: `The invoice ${invoice.number} could not be stored (reference ${reference}).`,
				fr: `La facture ${invoice.number} n'a pas pu être enregistrée (référence ${reference}).`,
			},
		};
	}
	return {
		message: { en: error.message, fr },
		...(error.hint ? { hint: { en: error.hint, fr: hintFr ?? error.hint } } : {}),
	};
}

/** French wording of the ledger's store errors: [message, hint]. */
function frenchStoreError(
	code: string | undefined,
	invoice: LedgerInvoice,
): [string, string | undefined] {
	switch (code) {
		case 'INVOICE_UNKNOWN_CUSTOMER':
			return [
				`Le client « ${invoice.customerExternalId} » n'est pas dans le grand livre.`,
				"Importez d'abord le client, ou autorisez la création des clients manquants.",
			];
		case 'INVOICE_BAD_DATE':
			return [
				"Une date de la facture n'est pas une date réelle.",
				'Utilisez des dates AAAA-MM-JJ qui existent.',
			];
		case 'INVOICE_AMOUNT_OUT_OF_RANGE':
			return [
				'Un montant de la facture est hors limites.',
				'Vérifiez les montants et leur séparateur décimal.',
			];
		default:
			return [`La facture ${invoice.number} n'a pas pu être enregistrée.`, undefined];
	}
}

/** What to answer the sender: a short JSON summary (no ledger ids, no customer data beyond what it sent). */
export function signedRequestResponse(result: SignedRequestResult): Record<string, unknown> {
	if (result.status === 'refused') {
		return {
			stored: false,
			received: false,
			code: result.code,
			error: result.message.en,
			errorFr: result.message.fr,
			hint: result.hint.en,
			hintFr: result.hint.fr,
			...(result.deliveryId ? { delivery: result.deliveryId } : {}),
			...(result.reference ? { reference: result.reference } : {}),
		};
	}
	if (result.status === 'repeated') return { ...result.response, repeated: true };
	const count = <T extends { status: string }>(list: T[], status: string) =>
		list.filter((x) => x.status === status).length;
	return {
		stored: true,
		delivery: result.deliveryId,
		received: true,
		deliveryId: result.deliveryId,
		invoices: {
			created: count(result.invoices, 'created'),
			revised: count(result.invoices, 'revised'),
			unchanged: count(result.invoices, 'unchanged'),
		},
		payments: {
			created: count(result.payments, 'created'),
			unchanged: count(result.payments, 'unchanged'),
		},
		rejected: result.rejected.map((r) => ({
			kind: r.kind,
			index: r.index,
			ref: r.ref ?? null,
			code: r.code,
			error: r.message.en,
			errorFr: r.message.fr,
		})),
		...(result.ignored ? { ignored: result.ignored } : {}),
	};
}
