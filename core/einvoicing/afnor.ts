import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

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
	constructor(readonly code: string, readonly said: Said) {
		super(said.en);
	}
}

const fail = (code: string, en: string, fr: string): never => {
	throw new AfnorFlowError(code, { en, fr });
};

const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/** Reads the `Flow` JSON of an AFNOR Flow Service webhook call (already authenticated, see verifyAfnorSignature). */
export function readAfnorFlowNotification(body: unknown): AfnorFlowNotification {
	if (!body || typeof body !== 'object' || Array.isArray(body)) fail('AFNOR_FLOW_SHAPE', 'The notification is not a Flow object (AFNOR XP Z12-013).', "La notification n'est pas un objet Flow (AFNOR XP Z12-013).");
	const flow = body as Record<string, unknown>;
	const flowId = str(flow.flowId);
	if (!flowId) fail('AFNOR_FLOW_SHAPE', 'The notification has no flowId.', "La notification n'a pas de flowId.");
	const flowType = str(flow.flowType) ?? fail('AFNOR_FLOW_SHAPE', `Flow ${flowId}: no flowType.`, `Flux ${flowId} : pas de flowType.`);
	const flowSyntax = str(flow.flowSyntax) ?? fail('AFNOR_FLOW_SHAPE', `Flow ${flowId}: no flowSyntax.`, `Flux ${flowId} : pas de flowSyntax.`);
	const direction = str(flow.flowDirection);
	if (direction !== 'In' && direction !== 'Out') fail('AFNOR_FLOW_SHAPE', `Flow ${flowId}: flowDirection must be In or Out.`, `Flux ${flowId} : flowDirection doit valoir In ou Out.`);
	const ack = (flow.acknowledgement ?? {}) as Record<string, unknown>;
	const ackStatus = str(ack.status);
	if (ackStatus !== 'Ok' && ackStatus !== 'Pending' && ackStatus !== 'Error') fail('AFNOR_FLOW_SHAPE', `Flow ${flowId}: acknowledgement.status must be Ok, Pending or Error.`, `Flux ${flowId} : acknowledgement.status doit valoir Ok, Pending ou Error.`);
	const updatedAt = str(flow.updatedAt) ?? str(flow.submittedAt);
	if (!updatedAt || Number.isNaN(Date.parse(updatedAt))) fail('AFNOR_FLOW_SHAPE', `Flow ${flowId}: no valid updatedAt or submittedAt date-time.`, `Flux ${flowId} : pas de date-heure updatedAt ou submittedAt valide.`);
	const ackDetails = (Array.isArray(ack.details) ? ack.details : []).filter((d): d is Record<string, unknown> => !!d && typeof d === 'object').map((d) => ({
		level: String(d.level ?? ''), item: String(d.item ?? ''), reasonCode: String(d.reasonCode ?? ''), reasonMessage: String(d.reasonMessage ?? ''),
	}));
	const out: AfnorFlowNotification = {
		flowId: flowId as string, flowType, flowSyntax, flowDirection: direction as 'In' | 'Out', ackStatus: ackStatus as AfnorFlowNotification['ackStatus'],
		updatedAt: updatedAt as string, ackDetails, action: 'ignore',
		...(str(flow.name) ? { name: str(flow.name) } : {}), ...(str(flow.trackingId) ? { trackingId: str(flow.trackingId) } : {}),
		...(str(flow.processingRule) ? { processingRule: str(flow.processingRule) } : {}),
	};
	if (flowType !== 'CustomerInvoiceLC') {
		out.reason = { en: `${flowType} is not a lifecycle status of the company's invoices (CustomerInvoiceLC).`, fr: `${flowType} n'est pas un statut de cycle de vie des factures de l'entreprise (CustomerInvoiceLC).` };
	} else if (direction !== 'In') {
		out.reason = { en: 'An outgoing flow: a status the company sent, not one it receives.', fr: "Un flux sortant : un statut envoyé par l'entreprise, pas reçu." };
	} else if (flowSyntax !== 'CDAR') {
		out.reason = { en: `Syntax ${flowSyntax}: lifecycle statuses are read in CDAR.`, fr: `Syntaxe ${flowSyntax} : les statuts de cycle de vie se lisent en CDAR.` };
	} else if (ackStatus !== 'Ok') {
		out.reason = ackStatus === 'Pending'
			? { en: 'The platform has not finished checking the flow (Pending): it notifies again when it has.', fr: "La plateforme n'a pas fini de contrôler le flux (Pending) : elle notifie de nouveau ensuite." }
			: { en: 'The platform refused the flow (acknowledgement Error): nothing to read.', fr: 'La plateforme a refusé le flux (acquittement Error) : rien à lire.' };
	} else {
		out.action = 'fetch_status';
		out.fetch = { method: 'GET', path: `/v1/flows/${encodeURIComponent(flowId as string)}`, query: { docType: 'Original' } };
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
): { ok: true } | { ok: false; code: 'AFNOR_SIGNATURE_MISSING' | 'AFNOR_SIGNATURE_STALE' | 'AFNOR_SIGNATURE_INVALID'; said: Said } {
	const signature = headers.signature?.trim();
	const timestamp = headers.timestamp === undefined ? '' : String(headers.timestamp).trim();
	if (!signature || !/^\d{1,19}$/.test(timestamp)) {
		return { ok: false, code: 'AFNOR_SIGNATURE_MISSING', said: { en: 'Afnor-Signature or Afnor-Signature-Timestamp is missing.', fr: 'Afnor-Signature ou Afnor-Signature-Timestamp est absent.' } };
	}
	const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
	if (Math.abs(now - Number(timestamp)) > (options.toleranceSeconds ?? 300)) {
		return { ok: false, code: 'AFNOR_SIGNATURE_STALE', said: { en: 'The signature timestamp is too far from now (a replayed call?).', fr: "L'horodatage de la signature est trop éloigné de maintenant (un appel rejoué ?)." } };
	}
	const digest = createHash('sha256').update(Buffer.concat([Buffer.from(payload), Buffer.from(`@${timestamp}`)])).digest();
	const given = Buffer.from(signature, 'base64');
	for (const fingerprint of [digest, Buffer.from(digest.toString('hex'))]) {
		const expected = createHmac('sha256', signingKey).update(fingerprint).digest();
		if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true };
	}
	return { ok: false, code: 'AFNOR_SIGNATURE_INVALID', said: { en: 'The signature does not match the payload and the signing key.', fr: 'La signature ne correspond pas au contenu et à la clé de signature.' } };
}
