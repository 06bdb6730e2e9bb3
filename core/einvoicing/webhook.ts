import { createHash } from 'node:crypto';
import { isReceivablesError } from '../errors';
import type { Ledger } from '../ledger/ledger';
import {
	authenticateSignedRequest,
	holdsNul,
	internalFault,
	refuse,
	type ReceiveSignedRequestOptions,
	type SignedRequest,
	type SignedRequestRefused,
} from '../intake/webhook';
import { parseCdar, type LifecycleEvent } from './cdar';
import {
	applyLifecycleStatuses,
	normaliseLifecycleRecord,
	type LifecycleOptions,
	type LifecycleResult,
} from './ledger';

/**
 * The e-invoicing platform's webhook: lifecycle statuses pushed by the company's platform (CDAR XML, or JSON status
 * events), signed like every webhook of the package (an integration key whose purposes include `lifecycle`, or the
 * Receivables Webhook credential's secret). Nothing of an unsigned body is read.
 *
 * Each delivery is remembered with the hash of its body and the answer given: the same delivery sent again gets the
 * first answer (marked `repeated`), a different body under a used delivery id is refused (409). Statuses are applied
 * once per message and invoice (applyLifecycleStatuses), so a delivery interrupted before its answer was recorded is
 * simply applied again when the platform retries: nothing twice, nothing lost.
 */

export const LIFECYCLE_PURPOSE = 'lifecycle';

type Said = { en: string; fr: string };

export interface SignedStatusesOptions
	extends Pick<
		ReceiveSignedRequestOptions,
		'secret' | 'now' | 'toleranceSeconds' | 'maxBodyBytes' | 'log' | 'source'
	> {
	/** The webhook's purpose bound into signatures (default `lifecycle`). */
	purpose?: string;
	/** How the statuses are applied (company SIREN, 211 hold days, …); `source` defaults to the sender's name. */
	lifecycle?: LifecycleOptions;
	/** Most statuses in one request (default 10 000). */
	maxStatuses?: number;
}

export interface RejectedStatus {
	/** Position of the event in the body's list (0 for a CDAR message). */
	index: number;
	code: string;
	message: Said;
	hint?: Said;
}

export interface SignedStatusesAccepted {
	status: 'accepted';
	httpStatus: 200;
	source: string;
	deliveryId: string;
	keyId?: string;
	results: LifecycleResult[];
	rejected: RejectedStatus[];
}

export interface SignedStatusesRepeated {
	status: 'repeated';
	httpStatus: 200;
	source: string;
	deliveryId: string;
	response: Record<string, unknown>;
}

export type SignedStatusesResult =
	| SignedStatusesAccepted
	| SignedStatusesRepeated
	| SignedRequestRefused;

const SHAPE: [Said, Said] = [
	{
		en: 'The body is neither a CDAR message nor JSON status events.',
		fr: "Le corps n'est ni un message CDAR ni des événements de statut JSON.",
	},
	{
		en: 'Send the CDAR XML as it is, or {"events": [{"invoiceNumber", "statusCode", "timestamp", "messageId"}]}.',
		fr: 'Envoyez le XML CDAR tel quel, ou {"events": [{"invoiceNumber", "statusCode", "timestamp", "messageId"}]}.',
	},
];
const NO_DELIVERY: [Said, Said] = [
	{
		en: 'The request has no delivery id (X-Receivables-Delivery).',
		fr: "La requête n'a pas d'identifiant d'envoi (X-Receivables-Delivery).",
	},
	{
		en: 'Give each delivery an id and keep it when you send it again.',
		fr: 'Donnez un identifiant à chaque envoi et gardez-le quand vous le renvoyez.',
	},
];

function said(error: unknown): { code: string; message: Said; hint?: Said } {
	if (isReceivablesError(error)) {
		const details = (error.details ?? {}) as { messageFr?: string; hintFr?: string };
		return {
			code: error.code,
			message: { en: error.message, fr: details.messageFr ?? error.message },
			...(error.hint ? { hint: { en: error.hint, fr: details.hintFr ?? error.hint } } : {}),
		};
	}
	return {
		code: 'LIFECYCLE_UNREADABLE',
		message: { en: (error as Error).message, fr: (error as Error).message },
	};
}

/** The events of a body: a CDAR message (XML), a JSON list, `{ "events" | "statuses": [...] }` or one event. */
function eventsOf(
	text: string,
):
	| { events: Array<{ index: number; event: LifecycleEvent }>; rejected: RejectedStatus[] }
	| { refused: SignedRequestRefused } {
	const trimmed = text.trimStart();
	if (trimmed.startsWith('<')) {
		try {
			const events = parseCdar(text);
			// A character reference to NUL (&#0;) the XML reader let through: refused like a NUL byte.
			if (holdsNul(events)) return { refused: refuse(400, 'BODY_NUL') };
			return { events: events.map((event) => ({ index: 0, event })), rejected: [] };
		} catch (error) {
			const s = said(error);
			return { refused: refuse(400, s.code, undefined, [s.message, s.hint ?? SHAPE[1]]) };
		}
	}
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		return { refused: refuse(400, 'BODY_SHAPE', undefined, SHAPE) };
	}
	// "\u0000" in a JSON text: the ledger cannot keep it (it would fail as a database error); a clear 400 instead.
	if (holdsNul(body)) return { refused: refuse(400, 'BODY_NUL') };
	const list = Array.isArray(body)
		? body
		: body && typeof body === 'object'
			? ((body as Record<string, unknown>).events ??
				(body as Record<string, unknown>).statuses ?? [body])
			: undefined;
	if (!Array.isArray(list) || list.length === 0)
		return { refused: refuse(400, 'BODY_SHAPE', undefined, SHAPE) };
	const events: Array<{ index: number; event: LifecycleEvent }> = [];
	const rejected: RejectedStatus[] = [];
	list.forEach((record, index) => {
		try {
			if (!record || typeof record !== 'object' || Array.isArray(record))
				throw new Error('not an object');
			events.push({ index, event: normaliseLifecycleRecord(record as Record<string, unknown>) });
		} catch (error) {
			rejected.push({ index, ...said(error) });
		}
	});
	return { events, rejected };
}

/** The answer for the platform: `stored: true` is the package's stable success marker (see the README). */
export function signedStatusesResponse(result: SignedStatusesResult): Record<string, unknown> {
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
	const count = (outcome: string) => result.results.filter((r) => r.outcome === outcome).length;
	return {
		stored: true,
		delivery: result.deliveryId,
		statuses: {
			applied: count('applied'),
			duplicate: count('duplicate'),
			superseded: count('superseded'),
			pending: count('pending'),
			otherIssuer: count('other_issuer'),
		},
		rejected: result.rejected.map((r) => ({
			index: r.index,
			code: r.code,
			error: r.message.en,
			errorFr: r.message.fr,
		})),
	};
}

export async function receiveSignedStatuses(
	ledger: Ledger,
	request: SignedRequest,
	options: SignedStatusesOptions = {},
): Promise<SignedStatusesResult> {
	const purpose = options.purpose ?? LIFECYCLE_PURPOSE;
	const authenticated = await authenticateSignedRequest(ledger, request, {
		...options,
		purpose,
		scheme: 'receivables',
		defaultSource: 'e-invoicing',
	});
	if (!('ok' in authenticated)) return authenticated;
	const { source, keyId, deliveryHeader: deliveryId, text } = authenticated;
	if (!deliveryId) return refuse(400, 'DELIVERY_ID_MISSING', undefined, NO_DELIVERY);
	const read = eventsOf(text);
	if ('refused' in read) return { ...read.refused, deliveryId };
	if (read.events.length + read.rejected.length > (options.maxStatuses ?? 10000))
		return refuse(413, 'TOO_MANY_RECORDS', deliveryId);
	const bodyHash = createHash('sha256').update(request.rawBody).digest('hex');
	try {
		const fresh = await ledger.query(
			'INSERT INTO webhook_deliveries (source, delivery_id, body_sha256, key_id, purpose) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING delivery_id',
			[source, deliveryId, bodyHash, keyId ?? null, purpose],
		);
		if (fresh.length === 0) {
			const [previous] = await ledger.query<{
				body_sha256: string | null;
				response: Record<string, unknown> | null;
				purpose: string | null;
			}>(
				'SELECT body_sha256, response, purpose FROM webhook_deliveries WHERE source = $1 AND delivery_id = $2',
				[source, deliveryId],
			);
			if (previous?.body_sha256 !== bodyHash || (previous.purpose ?? purpose) !== purpose)
				return refuse(409, 'DELIVERY_CONFLICT', deliveryId);
			if (previous.response)
				return {
					status: 'repeated',
					httpStatus: 200,
					source,
					deliveryId,
					response: previous.response,
				};
			// Received before and interrupted before its answer was recorded: applied again (each status once).
		}
		const results = await applyLifecycleStatuses(
			ledger,
			read.events.map((e) => e.event),
			{
				...options.lifecycle,
				source: options.lifecycle?.source ?? source,
				actor: options.lifecycle?.actor ?? `webhook:${source}`,
			},
		);
		const accepted: SignedStatusesAccepted = {
			status: 'accepted',
			httpStatus: 200,
			source,
			deliveryId,
			...(keyId ? { keyId } : {}),
			results,
			rejected: read.rejected,
		};
		await ledger.query(
			'UPDATE webhook_deliveries SET response = $3 WHERE source = $1 AND delivery_id = $2',
			[source, deliveryId, JSON.stringify(signedStatusesResponse(accepted))],
		);
		if (keyId)
			await ledger.query('UPDATE integration_keys SET last_used_at = now() WHERE key_id = $1', [
				keyId,
			]);
		return accepted;
	} catch (error) {
		return internalFault(error, options, { step: 'lifecycle statuses', source, deliveryId });
	}
}
