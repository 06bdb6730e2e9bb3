import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { faultReference, holdsNul } from '../intake/webhook';
import type { Ledger } from '../ledger/ledger';

/**
 * The standard API of the approved platforms (AFNOR XP Z12-013, "AFNOR Flow Service" 1.3.0, OpenAPI published by
 * the FNFE-MPE in fnfempe/France_RFE, `FNFE_RFE_INVOICE/Z.notes_&_docs/XP_Z12_013_Annex/`): a platform notifies a
 * subscribed webhook of each new flow with a `Flow` JSON (flowId, flowType, flowSyntax, flowDirection,
 * acknowledgement, submittedAt, updatedAt), signed in the headers `Afnor-Signature` and `Afnor-Signature-Timestamp`.
 * The notification does not carry the status itself: a lifecycle status (flowType `CustomerInvoiceLC`, syntax CDAR)
 * is then fetched with `GET /v1/flows/{flowId}?docType=Original` and read as a CDAR message (parseCdar).
 */

type Said = { en: string; fr: string };

export interface AfnorFlowNotification {
	flowId: string;
	flowType: string;
	flowSyntax: string;
	flowDirection: 'In' | 'Out';
	/** Ok, Pending or Error (the platform's technical checks of the flow). */
	ackStatus: 'Ok' | 'Pending' | 'Error';
	/** When the flow changed last (the platform's clock). */
	updatedAt: string;
	name?: string;
	trackingId?: string;
	/** B2B, or B2G for a public-sector customer (the platform relays Chorus Pro's statuses in CDAR too), … */
	processingRule?: string;
	/** The details of an acknowledgement in error, as the platform gives them. */
	ackDetails: Array<{ level: string; item: string; reasonCode: string; reasonMessage: string }>;
	/**
	 * What the package does with it: `fetch_status` a lifecycle status about one of the company's invoices
	 * (incoming CustomerInvoiceLC in CDAR, acknowledged Ok) to fetch and read; `ignore` anything else, with why.
	 */
	action: 'fetch_status' | 'ignore';
	reason?: Said;
	/** The request that fetches the flow's CDAR from the platform (relative to its API base URL). */
	fetch?: { method: 'GET'; path: string; query: { docType: 'Original' } };
}

export class AfnorFlowError extends Error {
	constructor(
		readonly code: string,
		readonly said: Said,
	) {
		super(said.en);
	}
}

const fail = (code: string, en: string, fr: string): never => {
	throw new AfnorFlowError(code, { en, fr });
};

const str = (value: unknown): string | undefined =>
	typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

/** Reads the `Flow` JSON of an AFNOR Flow Service webhook call (already authenticated, see verifyAfnorSignature). */
export function readAfnorFlowNotification(body: unknown): AfnorFlowNotification {
	if (!body || typeof body !== 'object' || Array.isArray(body))
		fail(
			'AFNOR_FLOW_SHAPE',
			'The notification is not a Flow object (AFNOR XP Z12-013).',
			"La notification n'est pas un objet Flow (AFNOR XP Z12-013).",
		);
	const flow = body as Record<string, unknown>;
	const flowId = str(flow.flowId);
	if (!flowId)
		fail(
			'AFNOR_FLOW_SHAPE',
			'The notification has no flowId.',
			"La notification n'a pas de flowId.",
		);
	const flowType =
		str(flow.flowType) ??
		fail('AFNOR_FLOW_SHAPE', `Flow ${flowId}: no flowType.`, `Flux ${flowId} : pas de flowType.`);
	const flowSyntax =
		str(flow.flowSyntax) ??
		fail(
			'AFNOR_FLOW_SHAPE',
			`Flow ${flowId}: no flowSyntax.`,
			`Flux ${flowId} : pas de flowSyntax.`,
		);
	const direction = str(flow.flowDirection);
	if (direction !== 'In' && direction !== 'Out')
		fail(
			'AFNOR_FLOW_SHAPE',
			`Flow ${flowId}: flowDirection must be In or Out.`,
			`Flux ${flowId} : flowDirection doit valoir In ou Out.`,
		);
	const ack = (flow.acknowledgement ?? {}) as Record<string, unknown>;
	const ackStatus = str(ack.status);
	if (ackStatus !== 'Ok' && ackStatus !== 'Pending' && ackStatus !== 'Error')
		fail(
			'AFNOR_FLOW_SHAPE',
			`Flow ${flowId}: acknowledgement.status must be Ok, Pending or Error.`,
			`Flux ${flowId} : acknowledgement.status doit valoir Ok, Pending ou Error.`,
		);
	const updatedAt = str(flow.updatedAt) ?? str(flow.submittedAt);
	if (!updatedAt || Number.isNaN(Date.parse(updatedAt)))
		fail(
			'AFNOR_FLOW_SHAPE',
			`Flow ${flowId}: no valid updatedAt or submittedAt date-time.`,
			`Flux ${flowId} : pas de date-heure updatedAt ou submittedAt valide.`,
		);
	const ackDetails = (Array.isArray(ack.details) ? ack.details : [])
		.filter((d): d is Record<string, unknown> => !!d && typeof d === 'object')
		.map((d) => ({
			level: String(d.level ?? ''),
			item: String(d.item ?? ''),
			reasonCode: String(d.reasonCode ?? ''),
			reasonMessage: String(d.reasonMessage ?? ''),
		}));
	const out: AfnorFlowNotification = {
		flowId: flowId as string,
		flowType,
		flowSyntax,
		flowDirection: direction as 'In' | 'Out',
		ackStatus: ackStatus as AfnorFlowNotification['ackStatus'],
		updatedAt: updatedAt as string,
		ackDetails,
		action: 'ignore',
		...(str(flow.name) ? { name: str(flow.name) } : {}),
		...(str(flow.trackingId) ? { trackingId: str(flow.trackingId) } : {}),
		...(str(flow.processingRule) ? { processingRule: str(flow.processingRule) } : {}),
	};
	if (flowType !== 'CustomerInvoiceLC') {
		out.reason = {
			en: `${flowType} is not a lifecycle status of the company's invoices (CustomerInvoiceLC).`,
			fr: `${flowType} n'est pas un statut de cycle de vie des factures de l'entreprise (CustomerInvoiceLC).`,
		};
	} else if (direction !== 'In') {
		out.reason = {
			en: 'An outgoing flow: a status the company sent, not one it receives.',
			fr: "Un flux sortant : un statut envoyé par l'entreprise, pas reçu.",
		};
	} else if (flowSyntax !== 'CDAR') {
		out.reason = {
			en: `Syntax ${flowSyntax}: lifecycle statuses are read in CDAR.`,
			fr: `Syntaxe ${flowSyntax} : les statuts de cycle de vie se lisent en CDAR.`,
		};
	} else if (ackStatus !== 'Ok') {
		out.reason =
			ackStatus === 'Pending'
				? {
						en: 'The platform has not finished checking the flow (Pending): it notifies again when it has.',
						fr: "La plateforme n'a pas fini de contrôler le flux (Pending) : elle notifie de nouveau ensuite.",
					}
				: {
						en: 'The platform refused the flow (acknowledgement Error): nothing to read.',
						fr: 'La plateforme a refusé le flux (acquittement Error) : rien à lire.',
					};
	} else {
		out.action = 'fetch_status';
		out.fetch = {
			method: 'GET',
			path: `/v1/flows/${encodeURIComponent(flowId as string)}`,
			query: { docType: 'Original' },
		};
	}
	return out;
}

/**
 * Checks the signature of an AFNOR Flow Service webhook call, as XP Z12-013 describes it: a SHA-256 fingerprint of
 * the JSON payload as received, "@", and the epoch time in seconds (`Afnor-Signature-Timestamp`); an HMAC-SHA-256 of
 * that fingerprint with the webhook's signing key; the signature base64 (`Afnor-Signature`). The text does not say
 * whether the fingerprint is hashed as bytes or as hexadecimal: both are accepted. A timestamp further than
 * `toleranceSeconds` (default 300) from `now` is refused (a replayed call).
 */
export function verifyAfnorSignature(
	payload: Buffer | string,
	headers: { signature?: string; timestamp?: string | number },
	signingKey: Buffer | string,
	options: { now?: Date; toleranceSeconds?: number } = {},
):
	| { ok: true }
	| {
			ok: false;
			code: 'AFNOR_SIGNATURE_MISSING' | 'AFNOR_SIGNATURE_STALE' | 'AFNOR_SIGNATURE_INVALID';
			said: Said;
	  } {
	const signature = headers.signature?.trim();
	const timestamp = headers.timestamp === undefined ? '' : String(headers.timestamp).trim();
	if (!signature || !/^\d{1,19}$/.test(timestamp)) {
		return {
			ok: false,
			code: 'AFNOR_SIGNATURE_MISSING',
			said: {
				en: 'Afnor-Signature or Afnor-Signature-Timestamp is missing.',
				fr: 'Afnor-Signature ou Afnor-Signature-Timestamp est absent.',
			},
		};
	}
	const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
	if (Math.abs(now - Number(timestamp)) > (options.toleranceSeconds ?? 300)) {
		return {
			ok: false,
			code: 'AFNOR_SIGNATURE_STALE',
			said: {
				en: 'The signature timestamp is too far from now (a replayed call?).',
				fr: "L'horodatage de la signature est trop éloigné de maintenant (un appel rejoué ?).",
			},
		};
	}
	const digest = createHash('sha256')
		.update(Buffer.concat([Buffer.from(payload), Buffer.from(`@${timestamp}`)]))
		.digest();
	const given = Buffer.from(signature, 'base64');
	for (const fingerprint of [digest, Buffer.from(digest.toString('hex'))]) {
		const expected = createHmac('sha256', signingKey).update(fingerprint).digest();
		if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true };
	}
	return {
		ok: false,
		code: 'AFNOR_SIGNATURE_INVALID',
		said: {
			en: 'The signature does not match the payload and the signing key.',
			fr: 'La signature ne correspond pas au contenu et à la clé de signature.',
		},
	};
}

/** The purpose of the integration keys that hold a platform's AFNOR webhook signing key. */
export const PLATFORM_FLOWS_PURPOSE = 'platform-flows';

export interface AfnorCallOptions {
	/** How the signing keys are written in the ledger (as the platform gave them): base64 (default), hex or utf8. */
	keyEncoding?: 'base64' | 'hex' | 'utf8';
	toleranceSeconds?: number;
	/** Largest body accepted (default 1 MiB): a Flow notification is a small JSON. */
	maxBodyBytes?: number;
	now?: Date;
	/** Where internal faults are written (with their reference); the platform only sees the reference. */
	log?: (message: string, meta: Record<string, unknown>) => void;
}

export interface AfnorCallRefused {
	status: 'refused';
	httpStatus: 400 | 401 | 413 | 500;
	code: string;
	message: Said;
	reference?: string;
}

export interface AfnorCallAccepted {
	status: 'accepted';
	httpStatus: 200;
	/** The sender of the key that signed (the platform's name in `npm run keys`). */
	platform: string;
	keyId: string;
	notification: AfnorFlowNotification;
	/** The Flow JSON as the platform sent it. */
	flow: Record<string, unknown>;
	response: Record<string, unknown>;
}

export interface AfnorCallRepeated {
	status: 'repeated';
	httpStatus: 200;
	platform: string;
	response: Record<string, unknown>;
}

export type AfnorCallResult = AfnorCallAccepted | AfnorCallRepeated | AfnorCallRefused;

const afnorRefusal = (
	httpStatus: AfnorCallRefused['httpStatus'],
	code: string,
	en: string,
	fr: string,
): AfnorCallRefused => ({ status: 'refused', httpStatus, code, message: { en, fr } });

/** The answer for the platform (JSON). */
export function afnorCallResponse(result: AfnorCallResult): Record<string, unknown> {
	if (result.status === 'refused')
		return {
			received: false,
			code: result.code,
			error: result.message.en,
			errorFr: result.message.fr,
			...(result.reference ? { reference: result.reference } : {}),
		};
	if (result.status === 'repeated') return { ...result.response, repeated: true };
	return result.response;
}

/**
 * A call of the platform's AFNOR Flow Service webhook, checked before anything of it is used, in this order: size
 * (413), the signature with one of the platform's signing keys kept in the ledger as integration keys of purpose
 * `platform-flows` (401: missing, stale or wrong), UTF-8 without NUL and a `Flow` JSON (400). The same signed call
 * received again (same signature) gets the first answer, marked `repeated`: the caller starts nothing for it. Nothing
 * is written but the call's record (webhook_deliveries: the platform, a hash of the signature, the body's hash, the
 * answer).
 */
export async function receiveAfnorNotification(
	ledger: Ledger,
	request: { rawBody: Buffer; headers: Record<string, unknown> },
	options: AfnorCallOptions = {},
): Promise<AfnorCallResult> {
	const { rawBody } = request;
	if (rawBody.length > (options.maxBodyBytes ?? 1024 * 1024)) {
		return afnorRefusal(
			413,
			'BODY_TOO_LARGE',
			'The notification is larger than this address accepts.',
			'La notification dépasse la taille acceptée par cette adresse.',
		);
	}
	const headerOf = (name: string): string | undefined => {
		const entry = Object.entries(request.headers).find(([k]) => k.toLowerCase() === name);
		const value = Array.isArray(entry?.[1]) ? entry?.[1][0] : entry?.[1];
		return value === undefined || value === null ? undefined : String(value);
	};
	const given = {
		signature: headerOf('afnor-signature'),
		timestamp: headerOf('afnor-signature-timestamp'),
	};
	const fault = (error: unknown, step: string): AfnorCallRefused => {
		const reference = faultReference();
		options.log?.(`AFNOR platform call: internal fault ${reference}`, {
			reference,
			step,
			detail: error instanceof Error ? error.message : String(error),
		});
		return {
			...afnorRefusal(
				500,
				'INTERNAL_ERROR',
				'The call could not be handled; send it again later.',
				"L'appel n'a pas pu être traité ; renvoyez-le plus tard.",
			),
			reference,
		};
	};
	if (!given.signature || !given.timestamp) {
		return afnorRefusal(
			401,
			'AFNOR_SIGNATURE_MISSING',
			'Afnor-Signature or Afnor-Signature-Timestamp is missing.',
			'Afnor-Signature ou Afnor-Signature-Timestamp est absent.',
		);
	}
	let keys: Array<{ key_id: string; sender: string; secret: string }>;
	try {
		keys = await ledger.query<{ key_id: string; sender: string; secret: string }>(
			`SELECT key_id, sender, secret FROM integration_keys
			  WHERE $1 = ANY(purposes) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2) ORDER BY created_at DESC, key_id`,
			[PLATFORM_FLOWS_PURPOSE, options.now ?? new Date()],
		);
	} catch (error) {
		return fault(error, 'key lookup');
	}
	if (keys.length === 0) {
		return afnorRefusal(
			401,
			'AFNOR_SIGNATURE_NO_KEY',
			`No signing key of the platform: keep it with npm run keys -- create <platform> --purpose ${PLATFORM_FLOWS_PURPOSE} --secret-stdin.`,
			`Pas de clé de signature de la plateforme : enregistrez-la avec npm run keys -- create <plateforme> --purpose ${PLATFORM_FLOWS_PURPOSE} --secret-stdin.`,
		);
	}
	let signer: { key_id: string; sender: string } | undefined;
	let failure: ReturnType<typeof verifyAfnorSignature> | undefined;
	for (const key of keys) {
		const verdict = verifyAfnorSignature(
			rawBody,
			given,
			Buffer.from(key.secret.trim(), options.keyEncoding ?? 'base64'),
			{ now: options.now, toleranceSeconds: options.toleranceSeconds },
		);
		if (verdict.ok) {
			signer = key;
			break;
		}
		failure = verdict;
	}
	if (!signer) {
		const f = failure && !failure.ok ? failure : undefined;
		return afnorRefusal(
			401,
			f?.code ?? 'AFNOR_SIGNATURE_INVALID',
			f?.said.en ?? 'The signature does not match.',
			f?.said.fr ?? 'La signature ne correspond pas.',
		);
	}
	let text: string;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(rawBody).replace(/^\uFEFF/, '');
	} catch {
		return afnorRefusal(
			400,
			'BODY_NOT_UTF8',
			'The body is not UTF-8 text.',
			"Le corps n'est pas du texte UTF-8.",
		);
	}
	let flow: unknown;
	try {
		flow = JSON.parse(text);
	} catch {
		return afnorRefusal(
			400,
			'AFNOR_FLOW_SHAPE',
			'The body is not JSON.',
			"Le corps n'est pas du JSON.",
		);
	}
	if (text.includes('\u0000') || holdsNul(flow)) {
		return afnorRefusal(
			400,
			'BODY_NUL',
			'The body holds a NUL character.',
			'Le corps contient un caractère NUL.',
		);
	}
	let notification: AfnorFlowNotification;
	try {
		notification = readAfnorFlowNotification(flow);
	} catch (error) {
		const known =
			error instanceof AfnorFlowError
				? error
				: new AfnorFlowError('AFNOR_FLOW_SHAPE', {
						en: 'The body is not a Flow object.',
						fr: "Le corps n'est pas un objet Flow.",
					});
		return afnorRefusal(400, known.code, known.said.en, known.said.fr);
	}
	const response = { received: true, flowId: notification.flowId, action: notification.action };
	// The same signed call again (a platform retrying, or someone replaying it within the tolerance): one record per
	// signature, the first answer given again.
	const deliveryId = `afnor:${createHash('sha256').update(`${given.timestamp}:${given.signature}`).digest('hex').slice(0, 48)}`;
	const bodyHash = createHash('sha256').update(rawBody).digest('hex');
	try {
		const fresh = await ledger.query(
			`INSERT INTO webhook_deliveries (source, delivery_id, body_sha256, key_id, purpose, response) VALUES ($1, $2, $3, $4, $5, $6)
			 ON CONFLICT DO NOTHING RETURNING delivery_id`,
			[
				signer.sender,
				deliveryId,
				bodyHash,
				signer.key_id,
				PLATFORM_FLOWS_PURPOSE,
				JSON.stringify(response),
			],
		);
		if (fresh.length === 0) {
			const [previous] = await ledger.query<{ response: Record<string, unknown> | null }>(
				'SELECT response FROM webhook_deliveries WHERE source = $1 AND delivery_id = $2',
				[signer.sender, deliveryId],
			);
			return {
				status: 'repeated',
				httpStatus: 200,
				platform: signer.sender,
				response: previous?.response ?? response,
			};
		}
		await ledger.query('UPDATE integration_keys SET last_used_at = now() WHERE key_id = $1', [
			signer.key_id,
		]);
	} catch (error) {
		return fault(error, 'delivery record');
	}
	return {
		status: 'accepted',
		httpStatus: 200,
		platform: signer.sender,
		keyId: signer.key_id,
		notification,
		flow: flow as Record<string, unknown>,
		response,
	};
}
