import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed webhooks: the sender proves it knows the shared secret and when it sent the request.
 *
 * Receivables scheme (default). Headers:
 *   X-Receivables-Key: <key id>                      which of the sender's keys signed (integration keys)
 *   X-Receivables-Delivery: <delivery id>            unique per delivery; a retry of the same delivery keeps it
 *   X-Receivables-Signature: t=<unix seconds>,v2=<hex>
 * where v2 = hex(HMAC-SHA256(secret, "v2.<purpose>.<t>.<delivery id>.<raw body bytes>")): the purpose names the
 * webhook the request is meant for (`intake` for invoices and payments), so a request signed for one webhook is
 * refused by every other. Several entries may be sent (while a secret is being replaced); one valid entry is enough.
 * The older v1 form, "<t>.<delivery id>.<raw body>" without purpose, is accepted only by receivers that do not
 * name a purpose; Invoice Intake always names one.
 *
 * Stripe scheme: header Stripe-Signature: t=<unix seconds>,v1=<hex> with v1 = hex(HMAC-SHA256(secret,
 * "<t>.<raw body>")), as Stripe sends it; the delivery id is the event id inside the signed body.
 *
 * The signature is checked over the raw bytes received (never re-serialised JSON), with a constant-time
 * comparison, and the timestamp must be within the tolerance (default 300 s) of the receiver's clock.
 */

export type SignatureScheme = 'receivables' | 'stripe';

export const RECEIVABLES_SIGNATURE_HEADER = 'x-receivables-signature';
export const RECEIVABLES_DELIVERY_HEADER = 'x-receivables-delivery';
export const STRIPE_SIGNATURE_HEADER = 'stripe-signature';
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;
/** Shortest secret accepted: 16 characters (a random 32-character secret is recommended). */
export const MIN_WEBHOOK_SECRET_LENGTH = 16;

export type SignatureFailureCode =
	| 'SIGNATURE_MISSING'
	| 'SIGNATURE_MALFORMED'
	| 'SIGNATURE_MISMATCH'
	| 'SIGNATURE_STALE'
	| 'SIGNATURE_FUTURE'
	| 'DELIVERY_ID_MISSING'
	| 'WEBHOOK_SECRET_MISSING'
	| 'SIGNATURE_PURPOSE_INVALID';

type Said = { en: string; fr: string };

export type SignatureVerdict =
	| { ok: true; timestamp: number }
	| { ok: false; code: SignatureFailureCode; message: Said; hint: Said };

export interface VerifySignatureInput {
	rawBody: Buffer | string;
	/** The signature header's value (X-Receivables-Signature or Stripe-Signature). */
	header: string | string[] | undefined;
	/** The shared secret; several while a secret is being replaced. */
	secret: string | string[];
	/** The X-Receivables-Delivery header (receivables scheme; it is part of what is signed). */
	deliveryId?: string | string[];
	scheme?: SignatureScheme;
	/** The receiver's clock (default: now). */
	now?: Date;
	toleranceSeconds?: number;
	/**
	 * The webhook's purpose (receivables scheme): only v2 signatures over this purpose are accepted. Without it,
	 * only v1 signatures (no purpose) are.
	 */
	purpose?: string;
}

/** A purpose: lower-case letters, digits and dashes, starting with a letter (at most 40). */
export const PURPOSE = /^[a-z][a-z0-9-]{0,39}$/;
/** The purpose of the intake webhook (invoices, credit notes, payments). */
export const INTAKE_PURPOSE = 'intake';

const DELIVERY_ID = /^[A-Za-z0-9._:-]{1,200}$/;

const FAIL: Record<SignatureFailureCode, [Said, Said]> = {
	SIGNATURE_MISSING: [
		{ en: 'The request is not signed.', fr: "La requête n'est pas signée." },
		{
			en: 'Send the signature header computed with the shared secret.',
			fr: "Envoyez l'en-tête de signature calculé avec le secret partagé.",
		},
	],
	SIGNATURE_MALFORMED: [
		{ en: 'The signature header cannot be read.', fr: "L'en-tête de signature est illisible." },
		{
			en: 'Write it as t=<unix seconds>,v1=<64 hex characters>.',
			fr: 'Écrivez-le sous la forme t=<secondes unix>,v1=<64 caractères hexadécimaux>.',
		},
	],
	SIGNATURE_MISMATCH: [
		{
			en: 'The signature does not match the request.',
			fr: 'La signature ne correspond pas à la requête.',
		},
		{
			en: 'Sign the exact bytes sent, with the secret of this endpoint.',
			fr: 'Signez les octets exacts envoyés, avec le secret de ce point de réception.',
		},
	],
	SIGNATURE_STALE: [
		{ en: 'The signature is too old.', fr: 'La signature est trop ancienne.' },
		{
			en: "Sign each delivery when sending it, and check the sender's clock.",
			fr: "Signez chaque envoi au moment de l'envoi et vérifiez l'horloge de l'émetteur.",
		},
	],
	SIGNATURE_FUTURE: [
		{ en: 'The signature is dated in the future.', fr: 'La signature est datée dans le futur.' },
		{ en: "Check the sender's clock.", fr: "Vérifiez l'horloge de l'émetteur." },
	],
	DELIVERY_ID_MISSING: [
		{
			en: 'The delivery id is missing or invalid.',
			fr: "L'identifiant d'envoi est absent ou invalide.",
		},
		{
			en: 'Send a unique X-Receivables-Delivery header (letters, digits, . _ : -, at most 200) with each delivery.',
			fr: 'Envoyez un en-tête X-Receivables-Delivery unique (lettres, chiffres, . _ : -, 200 au plus) à chaque envoi.',
		},
	],
	SIGNATURE_PURPOSE_INVALID: [
		{
			en: 'The purpose of this webhook is not valid.',
			fr: "L'usage de ce webhook n'est pas valide.",
		},
		{
			en: 'Name it with lower-case letters, digits and dashes (e.g. intake).',
			fr: 'Nommez-le avec des minuscules, chiffres et tirets (par ex. intake).',
		},
	],
	WEBHOOK_SECRET_MISSING: [
		{ en: 'No webhook secret is configured.', fr: "Aucun secret de webhook n'est configuré." },
		{
			en: 'Set the secret in the Receivables Webhook credential.',
			fr: 'Renseignez le secret dans l’identifiant Receivables Webhook.',
		},
	],
};

export function signatureFailure(
	code: SignatureFailureCode,
): Extract<SignatureVerdict, { ok: false }> {
	const [message, hint] = FAIL[code];
	return { ok: false, code, message, hint };
}

function single(value: string | string[] | undefined): string | undefined {
	if (Array.isArray(value)) return value.length ? value.join(',') : undefined;
	return value;
}

/**
 * The bytes that are signed: "v2.<purpose>.<t>.<delivery id>.<body>" (receivables, with a purpose),
 * "<t>.<delivery id>.<body>" (receivables v1, without) or "<t>.<body>" (stripe).
 */
export function signedPayload(
	scheme: SignatureScheme,
	timestamp: number,
	deliveryId: string | undefined,
	rawBody: Buffer | string,
	purpose?: string,
): Buffer {
	const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
	const prefix =
		scheme === 'stripe'
			? `${timestamp}.`
			: purpose !== undefined
				? `v2.${purpose}.${timestamp}.${deliveryId ?? ''}.`
				: `${timestamp}.${deliveryId ?? ''}.`;
	return Buffer.concat([Buffer.from(prefix, 'utf8'), body]);
}

/**
 * Computes the signature header a sender attaches (also what integrators can test against): `t=…,v2=…` for a
 * purpose (what Invoice Intake expects, purpose `intake`), `t=…,v1=…` without.
 */
export function signWebhookRequest(input: {
	rawBody: Buffer | string;
	secret: string;
	deliveryId?: string;
	timestamp?: number;
	scheme?: SignatureScheme;
	purpose?: string;
}): string {
	const timestamp = input.timestamp ?? Math.floor(Date.now() / 1000);
	const scheme = input.scheme ?? 'receivables';
	const purpose = scheme === 'stripe' ? undefined : input.purpose;
	const mac = createHmac('sha256', input.secret)
		.update(signedPayload(scheme, timestamp, input.deliveryId, input.rawBody, purpose))
		.digest('hex');
	return `t=${timestamp},${purpose !== undefined ? 'v2' : 'v1'}=${mac}`;
}

/** Parses "t=<unix>,v1=<hex>[,v2=<hex>...]"; other schemes (v0...) are ignored. */
export function parseSignatureHeader(
	header: string,
): { timestamp: number; signatures: string[]; v2: string[] } | undefined {
	let timestamp: number | undefined;
	const signatures: string[] = [];
	const v2: string[] = [];
	for (const part of header.split(',')) {
		const eq = part.indexOf('=');
		if (eq < 0) return undefined;
		const key = part.slice(0, eq).trim();
		const value = part.slice(eq + 1).trim();
		if (key === 't') {
			if (!/^\d{1,12}$/.test(value) || timestamp !== undefined) return undefined;
			timestamp = Number(value);
		} else if (key === 'v1' || key === 'v2') {
			if (!/^[0-9a-fA-F]{64}$/.test(value)) return undefined;
			(key === 'v1' ? signatures : v2).push(value.toLowerCase());
		}
	}
	if (timestamp === undefined || signatures.length + v2.length === 0) return undefined;
	return { timestamp, signatures, v2 };
}

/**
 * Checks a signed request. Returns ok with the signed timestamp, or the reason it is refused (a stable code,
 * with what is wrong and how to fix it in English and French). Never throws on bad input.
 */
export function verifySignature(input: VerifySignatureInput): SignatureVerdict {
	const secrets = (Array.isArray(input.secret) ? input.secret : [input.secret]).filter(
		(s) => typeof s === 'string' && s.length > 0,
	);
	if (secrets.length === 0) return signatureFailure('WEBHOOK_SECRET_MISSING');
	const scheme = input.scheme ?? 'receivables';
	const header = single(input.header)?.trim();
	if (!header) return signatureFailure('SIGNATURE_MISSING');
	const purpose = scheme === 'stripe' ? undefined : input.purpose;
	if (purpose !== undefined && !PURPOSE.test(purpose))
		return signatureFailure('SIGNATURE_PURPOSE_INVALID');
	const parsed = parseSignatureHeader(header);
	if (!parsed) return signatureFailure('SIGNATURE_MALFORMED');
	let deliveryId: string | undefined;
	if (scheme === 'receivables') {
		deliveryId = single(input.deliveryId)?.trim();
		if (!deliveryId || !DELIVERY_ID.test(deliveryId))
			return signatureFailure('DELIVERY_ID_MISSING');
	}
	// With a purpose only v2 entries count (v1 ones were signed for no webhook in particular); without, only v1.
	const candidates = purpose !== undefined ? parsed.v2 : parsed.signatures;
	const payload = signedPayload(scheme, parsed.timestamp, deliveryId, input.rawBody, purpose);
	let match = false;
	for (const secret of secrets) {
		const expected = createHmac('sha256', secret).update(payload).digest();
		for (const candidate of candidates) {
			// Every candidate is compared in full, in constant time: the loop never exits early on a match.
			if (timingSafeEqual(expected, Buffer.from(candidate, 'hex'))) match = true;
		}
	}
	if (!match) return signatureFailure('SIGNATURE_MISMATCH');
	const tolerance = input.toleranceSeconds ?? DEFAULT_SIGNATURE_TOLERANCE_SECONDS;
	const now = Math.floor((input.now ?? new Date()).getTime() / 1000);
	if (now - parsed.timestamp > tolerance) return signatureFailure('SIGNATURE_STALE');
	if (parsed.timestamp - now > tolerance) return signatureFailure('SIGNATURE_FUTURE');
	return { ok: true, timestamp: parsed.timestamp };
}

/** The credential test of the webhook secret: a local check, nothing is sent anywhere. */
export function checkWebhookSecret(secret: unknown): { ok: boolean; message: string } {
	if (typeof secret !== 'string' || secret.trim() === '')
		return { ok: false, message: 'The secret is empty.' };
	if (secret !== secret.trim())
		return {
			ok: false,
			message: 'The secret starts or ends with a space: copy it again without spaces.',
		};
	if (secret.length < MIN_WEBHOOK_SECRET_LENGTH) {
		return {
			ok: false,
			message: `The secret has ${secret.length} characters; use at least ${MIN_WEBHOOK_SECRET_LENGTH} (32 random characters recommended).`,
		};
	}
	return { ok: true, message: 'The secret can sign webhooks.' };
}
