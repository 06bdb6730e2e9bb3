import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { DateTime } from 'luxon';
import { ReceivablesError } from '../errors';
import {
	RECEIVABLES_DELIVERY_HEADER,
	RECEIVABLES_SIGNATURE_HEADER,
	verifySignature,
} from '../intake';
import { holdsNul } from '../intake/webhook';
import type { Ledger } from '../ledger';
import { addDays, DEFAULT_ZONE } from '../time';
import { courierDeviceKey, RECEIVABLES_DEVICE_HEADER } from './devices';
import { serverKeys } from './keys';
import { readDeliveryToken, type TokenKey } from './tokens';

export const COURIER_EVENT_TYPES = [
	'picked_up',
	'delivered',
	'refused',
	'absent',
	'wrong_address',
	'returned',
] as const;
export type CourierEventType = (typeof COURIER_EVENT_TYPES)[number];

/** Largest signature image and photo accepted (decoded bytes). */
export const DEFAULT_MAX_SIGNATURE_BYTES = 200 * 1024;
export const DEFAULT_MAX_PHOTO_BYTES = 2 * 1024 * 1024;

/** Time zone of the delivery's country: the reception date is the local calendar date. */
/** Clock skew allowed between a courier's phone and the server. */
export const DEFAULT_CLOCK_SKEW_SECONDS = 5 * 60;

export const COUNTRY_ZONES: Record<string, string> = {
	FR: 'Europe/Paris',
	MA: 'Africa/Casablanca',
	SN: 'Africa/Dakar',
	CI: 'Africa/Abidjan',
};

export interface CourierEventInput {
	/** Unique id from the phone: sending the same event again changes nothing. */
	eventId: string;
	type: string;
	courierCode: string;
	/** The invoice number, or the QR token of the delivery (preferred: it names the delivery). */
	invoiceNumber?: string;
	qrToken?: string;
	/** When it happened, ISO 8601 with an offset (the phone's clock). */
	occurredAt: string;
	recipientName?: string;
	/** data:image/png;base64,... (or plain base64). */
	signature?: string;
	photo?: string;
	latitude?: number;
	longitude?: number;
	note?: string;
}

export interface CourierEventOptions {
	/** Keys of the QR tokens (default: the ledger's QR keys in service). */
	qrSecret?: TokenKey | TokenKey[];
	now?: Date;
	/** Clock skew allowed between a phone and the server: events dated later than now + skew, or earlier than the wave's handover − skew, are refused. Default 5 minutes. */
	maxFutureSeconds?: number;
	/** Events older than this are refused. Default 90 days. */
	maxAgeDays?: number;
	maxSignatureBytes?: number;
	maxPhotoBytes?: number;
	actor?: string;
}

export interface CourierEventOutcome {
	eventId: string;
	status: 'recorded' | 'duplicate';
	invoiceNumber: string;
	deliveryId: string;
	/** The delivery's status after the event (the latest event by its own timestamp). */
	deliveryStatus: string;
	receptionDate: string | null;
	dueDate: string | null;
}

type Said = { en: string; fr: string };

function refuse(
	code: string,
	en: string,
	fr: string,
	hint: string,
	details?: Record<string, unknown>,
): never {
	throw new ReceivablesError(code, `${en} / ${fr}`, { hint, details });
}

/** Base64 alphabet, padding and white space only. */
function isBase64Text(text: string): boolean {
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		const ok =
			(c >= 65 && c <= 90) ||
			(c >= 97 && c <= 122) ||
			(c >= 48 && c <= 57) ||
			c === 43 ||
			c === 47 ||
			c === 61 ||
			c === 32 ||
			c === 9 ||
			c === 10 ||
			c === 13;
		if (!ok) return false;
	}
	return true;
}

function decodeImage(
	field: string,
	value: string | undefined,
	max: number,
): { mime: string; base64: string; bytes: number } | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value !== 'string')
		refuse(
			'EVENT_IMAGE_INVALID',
			`The ${field} is not an image.`,
			`Le champ ${field} n'est pas une image.`,
			'Send a data:image/png;base64,... or data:image/jpeg;base64,... value.',
		);
	// The prefix is matched on its own and the body checked character by character: a regular expression over a
	// multi-megabyte body can exhaust the regex engine's stack.
	const prefix = value.match(/^data:(image\/(?:png|jpeg|webp));base64,/);
	const body = prefix ? value.slice(prefix[0].length) : value;
	const tooLarge = (bytes: number): never =>
		refuse(
			'EVENT_IMAGE_TOO_LARGE',
			`The ${field} has ${bytes} bytes; at most ${max} are accepted.`,
			`Le champ ${field} fait ${bytes} octets ; ${max} au plus.`,
			'Reduce the picture (e.g. 1280 px wide, JPEG quality 70).',
			{ field, bytes, max },
		);
	// Even with white space removed, a body this long decodes to more than `max` bytes.
	if (body.length > Math.ceil((max * 4) / 3) * 2 + 1024)
		tooLarge(Math.floor((body.length * 3) / 4));
	if (body.length === 0 || !isBase64Text(body))
		refuse(
			'EVENT_IMAGE_INVALID',
			`The ${field} is not a PNG, JPEG or WebP image in base64.`,
			`Le champ ${field} n'est pas une image PNG, JPEG ou WebP en base64.`,
			'Send a data:image/...;base64 value.',
		);
	const base64 = body.replace(/\s+/g, '');
	const bytes =
		Math.floor((base64.length * 3) / 4) -
		(base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);
	if (bytes > max) tooLarge(bytes);
	const buf = Buffer.from(base64, 'base64');
	const mime =
		prefix?.[1] ??
		(buf[0] === 0x89 && buf[1] === 0x50
			? 'image/png'
			: buf[0] === 0xff && buf[1] === 0xd8
				? 'image/jpeg'
				: '');
	const magicOk =
		(mime === 'image/png' && buf[0] === 0x89 && buf[1] === 0x50) ||
		(mime === 'image/jpeg' && buf[0] === 0xff && buf[1] === 0xd8) ||
		(mime === 'image/webp' && buf.subarray(8, 12).toString('latin1') === 'WEBP');
	if (!magicOk)
		refuse(
			'EVENT_IMAGE_INVALID',
			`The ${field} is not a PNG, JPEG or WebP image.`,
			`Le champ ${field} n'est pas une image PNG, JPEG ou WebP.`,
			'Send the picture as taken by the phone.',
		);
	return { mime, base64, bytes };
}

interface Checked {
	eventId: string;
	type: CourierEventType;
	courierCode: string;
	invoiceNumber?: string;
	deliveryId?: string;
	occurredAt: DateTime;
	recipientName: string | null;
	latitude: number | null;
	longitude: number | null;
	attachments: Record<string, unknown>;
	note: string | null;
}

/** Checks an event without touching the ledger; throws a ReceivablesError saying what is wrong. */
export function checkCourierEvent(
	input: CourierEventInput,
	options: CourierEventOptions = {},
): Checked {
	const e = (input ?? {}) as CourierEventInput;
	const eventId = typeof e.eventId === 'string' ? e.eventId.trim() : '';
	if (!/^[A-Za-z0-9._:-]{6,120}$/.test(eventId))
		refuse(
			'EVENT_ID_INVALID',
			'The event id is missing or invalid.',
			"L'identifiant de l'événement est absent ou invalide.",
			'Send a unique id per event (6 to 120 letters, digits, . _ : -), e.g. a UUID made on the phone.',
		);
	if (!(COURIER_EVENT_TYPES as readonly string[]).includes(e.type))
		refuse(
			'EVENT_TYPE_INVALID',
			`Unknown event type "${String(e.type)}".`,
			`Type d'événement inconnu « ${String(e.type)} ».`,
			`Use one of ${COURIER_EVENT_TYPES.join(', ')}.`,
		);
	const courierCode = typeof e.courierCode === 'string' ? e.courierCode.trim() : '';
	if (!courierCode)
		refuse(
			'EVENT_COURIER_MISSING',
			'The courier code is missing.',
			'Le code du coursier est absent.',
			'Send courierCode.',
		);
	let deliveryId: string | undefined;
	if (e.qrToken) {
		if (!options.qrSecret)
			refuse(
				'QR_SECRET_MISSING',
				'No QR secret is configured to read the scanned code.',
				"Aucun secret n'est configuré pour lire le code scanné.",
				'Set the QR secret used to print the manifests.',
			);
		deliveryId = readDeliveryToken(e.qrToken, options.qrSecret);
		if (!deliveryId)
			refuse(
				'QR_TOKEN_INVALID',
				'The scanned code is not one of our delivery codes.',
				"Le code scanné n'est pas un de nos codes de remise.",
				'Scan the QR code printed on the manifest, or type the invoice number.',
			);
	}
	const invoiceNumber =
		typeof e.invoiceNumber === 'string' && e.invoiceNumber.trim()
			? e.invoiceNumber.trim()
			: undefined;
	if (!deliveryId && !invoiceNumber)
		refuse(
			'EVENT_INVOICE_MISSING',
			'The event names no invoice.',
			"L'événement ne désigne aucune facture.",
			'Send the scanned qrToken or the invoiceNumber.',
		);
	const occurredAt =
		typeof e.occurredAt === 'string' && /T.*(Z|[+-]\d{2}:?\d{2})$/.test(e.occurredAt)
			? DateTime.fromISO(e.occurredAt, { setZone: true })
			: DateTime.invalid('no offset');
	if (!occurredAt.isValid)
		refuse(
			'EVENT_TIME_INVALID',
			`The event time "${String(e.occurredAt)}" is not an ISO 8601 time with its offset.`,
			`L'heure « ${String(e.occurredAt)} » n'est pas une heure ISO 8601 avec son décalage.`,
			'Send e.g. 2026-03-31T10:42:00+00:00.',
		);
	const now = (options.now ?? new Date()).getTime();
	if (occurredAt.toMillis() > now + (options.maxFutureSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS) * 1000)
		refuse(
			'EVENT_TIME_FUTURE',
			'The event is dated in the future.',
			"L'événement est daté dans le futur.",
			"Check the phone's clock.",
		);
	if (occurredAt.toMillis() < now - (options.maxAgeDays ?? 90) * 86400000)
		refuse(
			'EVENT_TIME_TOO_OLD',
			'The event is too old to be recorded.',
			"L'événement est trop ancien pour être enregistré.",
			'Record it by hand with finance.',
		);
	const recipientName =
		typeof e.recipientName === 'string' && e.recipientName.trim()
			? e.recipientName.trim().slice(0, 200)
			: null;
	if (e.type === 'delivered' && !recipientName)
		refuse(
			'EVENT_RECIPIENT_MISSING',
			"A delivery needs the recipient's name.",
			'Une remise exige le nom de la personne qui a reçu la facture.',
			'Ask for the name and send recipientName.',
		);
	const attachments: Record<string, unknown> = {};
	const signature = decodeImage(
		'signature',
		e.signature,
		options.maxSignatureBytes ?? DEFAULT_MAX_SIGNATURE_BYTES,
	);
	const photo = decodeImage('photo', e.photo, options.maxPhotoBytes ?? DEFAULT_MAX_PHOTO_BYTES);
	if (signature) attachments.signature = signature;
	if (photo) attachments.photo = photo;
	const lat = e.latitude === undefined || e.latitude === null ? null : Number(e.latitude);
	const lon = e.longitude === undefined || e.longitude === null ? null : Number(e.longitude);
	if (
		(lat === null) !== (lon === null) ||
		(lat !== null &&
			(!Number.isFinite(lat) ||
				Math.abs(lat) > 90 ||
				!Number.isFinite(lon) ||
				Math.abs(lon as number) > 180))
	) {
		refuse(
			'EVENT_POSITION_INVALID',
			'The position is incomplete or out of range.',
			'La position est incomplète ou hors limites.',
			'Send latitude (−90..90) and longitude (−180..180) together, or neither.',
		);
	}
	return {
		eventId,
		type: e.type as CourierEventType,
		courierCode,
		invoiceNumber,
		deliveryId,
		occurredAt,
		recipientName,
		latitude: lat,
		longitude: lon,
		attachments,
		note: typeof e.note === 'string' ? e.note.slice(0, 1000) : null,
	};
}

interface DeliveryRow {
	id: string;
	invoice_id: string;
	customer_id: string;
	number: string;
	wave_status: string;
	wave_code: string;
	courier_code: string | null;
	planned_on: string;
	released_at: Date | null;
	country: string;
}

/**
 * The delivery an event is about, among the courier's own waves only: an invoice in another courier's wave (or in a
 * wave with no courier) is answered exactly like an unknown one, so a courier learns nothing of other waves.
 */
async function findDelivery(client: PoolClient, ev: Checked): Promise<DeliveryRow> {
	const select = `SELECT d.id, d.invoice_id, d.customer_id, i.number, w.status AS wave_status, w.code AS wave_code, w.courier_code,
			to_char(w.planned_on, 'YYYY-MM-DD') AS planned_on, w.released_at, coalesce(w.country, c.country) AS country
		FROM deliveries d JOIN invoices i ON i.id = d.invoice_id JOIN waves w ON w.id = d.wave_id JOIN customers c ON c.id = d.customer_id`;
	const rows = ev.deliveryId
		? await client.query<DeliveryRow>(
				`${select} WHERE d.id = $1 AND w.courier_code = $2 FOR UPDATE OF d`,
				[ev.deliveryId, ev.courierCode],
			)
		: await client.query<DeliveryRow>(
				`${select} WHERE i.number = $1 AND i.doc_type = 'invoice' AND w.courier_code = $2 ORDER BY (w.status = 'released') DESC, w.planned_on DESC, d.id DESC LIMIT 1 FOR UPDATE OF d`,
				[ev.invoiceNumber, ev.courierCode],
			);
	const d = rows.rows[0];
	if (!d)
		refuse(
			'EVENT_INVOICE_UNKNOWN',
			`No delivery is planned for invoice ${ev.invoiceNumber ?? ''}.`,
			`Aucune remise n'est prévue pour la facture ${ev.invoiceNumber ?? ''}.`,
			'Check the number on the envelope, or scan the QR code.',
		);
	if (ev.invoiceNumber && ev.deliveryId && d.number !== ev.invoiceNumber)
		refuse(
			'EVENT_INVOICE_MISMATCH',
			'The scanned code and the invoice number do not match.',
			'Le code scanné ne correspond pas au numéro de facture.',
			'Scan the code printed beside this invoice.',
		);
	return d;
}

/**
 * Records one courier event in one transaction: idempotent by event id (the same id again is a duplicate, a
 * different event under a used id is refused), the delivery's status is its latest event by occurred_at (so
 * late arrivals do not overwrite newer news), a delivery sets the invoice's reception date and, where terms run
 * from reception, its due date (with a history entry). Nothing is written when anything is wrong.
 */
export async function recordCourierEvent(
	client: PoolClient,
	input: CourierEventInput,
	options: CourierEventOptions = {},
): Promise<CourierEventOutcome> {
	const ev = checkCourierEvent(input, options);
	const existing = await client.query<{
		courier_code: string;
		type: string;
		occurred_at: Date;
		invoice_id: string;
		delivery_id: string;
	}>(
		'SELECT courier_code, type, occurred_at, invoice_id, delivery_id FROM courier_events WHERE event_id = $1',
		[ev.eventId],
	);
	const courier = await client.query<{ code: string }>(
		`SELECT code FROM staff WHERE code = $1 AND active AND 'courier' = ANY(roles)`,
		[ev.courierCode],
	);
	if (!courier.rows[0])
		refuse(
			'EVENT_COURIER_UNKNOWN',
			`Unknown courier ${ev.courierCode}.`,
			`Coursier inconnu ${ev.courierCode}.`,
			"Use the staff code of an active staff member with the role 'courier'.",
		);
	const d = await findDelivery(client, ev);
	if (existing.rows[0]) {
		const x = existing.rows[0];
		if (
			x.courier_code !== ev.courierCode ||
			x.type !== ev.type ||
			x.occurred_at.getTime() !== ev.occurredAt.toMillis() ||
			x.delivery_id !== d.id
		) {
			refuse(
				'EVENT_ID_REUSED',
				`Event id ${ev.eventId} was already used for another event.`,
				`L'identifiant ${ev.eventId} a déjà servi pour un autre événement.`,
				'Give each event its own id.',
			);
		}
		const state = await deliveryState(client, d.id, d.invoice_id);
		return {
			eventId: ev.eventId,
			status: 'duplicate',
			invoiceNumber: d.number,
			deliveryId: d.id,
			...state,
		};
	}
	if (d.wave_status === 'planned')
		refuse(
			'EVENT_WAVE_NOT_RELEASED',
			`Wave ${d.wave_code} has not been handed over yet.`,
			`La tournée ${d.wave_code} n'a pas encore été remise au coursier.`,
			'Release the wave first (every invoice entered).',
		);
	if (d.wave_status === 'closed')
		refuse(
			'EVENT_WAVE_CLOSED',
			`Wave ${d.wave_code} is closed.`,
			`La tournée ${d.wave_code} est close.`,
			'Events of a closed wave are recorded by finance, not by the courier page.',
		);
	const zone = COUNTRY_ZONES[d.country] ?? DEFAULT_ZONE;
	const localDate = ev.occurredAt.setZone(zone).toISODate() as string;
	const skew = (options.maxFutureSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS) * 1000;
	if (d.released_at && ev.occurredAt.toMillis() < d.released_at.getTime() - skew) {
		const left = DateTime.fromJSDate(d.released_at, { zone }).toFormat('yyyy-MM-dd HH:mm ZZ');
		refuse(
			'EVENT_TIME_BEFORE_WAVE',
			`The event (${ev.occurredAt.setZone(zone).toFormat('yyyy-MM-dd HH:mm ZZ')}) is dated before the wave left (${left}).`,
			`L'événement (${ev.occurredAt.setZone(zone).toFormat('yyyy-MM-dd HH:mm ZZ')}) est antérieur au départ de la tournée (${left}).`,
			"Check the phone's date and time.",
		);
	}
	if (!d.released_at && localDate < addDays(d.planned_on, -1))
		refuse(
			'EVENT_TIME_BEFORE_WAVE',
			`The event (${localDate}) is dated before the wave's handover day (${d.planned_on}).`,
			`L'événement (${localDate}) est antérieur au jour de remise de la tournée (${d.planned_on}).`,
			"Check the phone's date.",
		);
	await client.query(
		`INSERT INTO courier_events (event_id, courier_code, delivery_id, invoice_id, type, occurred_at, recipient_name, latitude, longitude, attachments, payload)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		[
			ev.eventId,
			ev.courierCode,
			d.id,
			d.invoice_id,
			ev.type,
			ev.occurredAt.toISO(),
			ev.recipientName,
			ev.latitude,
			ev.longitude,
			JSON.stringify(ev.attachments),
			JSON.stringify({ note: ev.note }),
		],
	);
	// The delivery's status is the latest event by its own timestamp; a delivery, once recorded, dates the reception.
	await client.query(
		`UPDATE deliveries d SET status = latest.type, last_event_at = latest.occurred_at,
			recipient_name = coalesce(firstdel.recipient_name, d.recipient_name), delivered_at = firstdel.occurred_at
		FROM (SELECT type, occurred_at FROM courier_events WHERE delivery_id = $1 ORDER BY occurred_at DESC, id DESC LIMIT 1) latest
		LEFT JOIN LATERAL (SELECT recipient_name, occurred_at FROM courier_events WHERE delivery_id = $1 AND type = 'delivered' ORDER BY occurred_at, id LIMIT 1) firstdel ON true
		WHERE d.id = $1`,
		[d.id],
	);
	if (ev.type === 'delivered') {
		const inv = await client.query<{
			reception_date: string | null;
			due_date: string;
			terms_basis: string | null;
			terms_days: number | null;
			delivered_at: Date;
		}>(
			`SELECT to_char(i.reception_date, 'YYYY-MM-DD') AS reception_date, to_char(i.due_date, 'YYYY-MM-DD') AS due_date, i.terms_basis, i.terms_days, d.delivered_at
			FROM invoices i JOIN deliveries d ON d.invoice_id = i.id WHERE d.id = $1 FOR UPDATE OF i`,
			[d.id],
		);
		const row = inv.rows[0];
		const reception = DateTime.fromJSDate(row.delivered_at, { zone }).toISODate() as string;
		if (row.reception_date !== reception) {
			const due =
				row.terms_basis === 'reception' && row.terms_days !== null
					? addDays(reception, row.terms_days)
					: row.due_date;
			await client.query(
				'UPDATE invoices SET reception_date = $2, due_date = $3, updated_at = now() WHERE id = $1',
				[d.invoice_id, reception, due],
			);
			await client.query(
				`INSERT INTO history (invoice_id, customer_id, kind, channel, actor, summary, payload) VALUES ($1, $2, 'delivered', 'courier', $3, $4, $5)`,
				[
					d.invoice_id,
					d.customer_id,
					options.actor ?? `courier:${ev.courierCode}`,
					`Delivered to ${ev.recipientName ?? ''} on ${reception}${due !== row.due_date ? `; due date ${row.due_date} → ${due}` : ''} / Remise à ${ev.recipientName ?? ''} le ${reception}${due !== row.due_date ? ` ; échéance ${row.due_date} → ${due}` : ''}`,
					JSON.stringify({
						eventId: ev.eventId,
						wave: d.wave_code,
						receptionDate: reception,
						previousReceptionDate: row.reception_date,
						dueDate: due,
						previousDueDate: row.due_date,
					}),
				],
			);
		}
	} else {
		await client.query(
			`INSERT INTO history (invoice_id, customer_id, kind, channel, actor, summary, payload) VALUES ($1, $2, 'courier_event', 'courier', $3, $4, $5)`,
			[
				d.invoice_id,
				d.customer_id,
				options.actor ?? `courier:${ev.courierCode}`,
				`Courier: ${ev.type} / Coursier : ${ev.type}`,
				JSON.stringify({ eventId: ev.eventId, type: ev.type, wave: d.wave_code }),
			],
		);
	}
	const state = await deliveryState(client, d.id, d.invoice_id);
	return {
		eventId: ev.eventId,
		status: 'recorded',
		invoiceNumber: d.number,
		deliveryId: d.id,
		...state,
	};
}

async function deliveryState(
	client: PoolClient,
	deliveryId: string,
	invoiceId: string,
): Promise<{ deliveryStatus: string; receptionDate: string | null; dueDate: string | null }> {
	const r = await client.query<{
		status: string;
		reception_date: string | null;
		due_date: string | null;
	}>(
		`SELECT d.status, to_char(i.reception_date, 'YYYY-MM-DD') AS reception_date, to_char(i.due_date, 'YYYY-MM-DD') AS due_date
		FROM deliveries d JOIN invoices i ON i.id = $2 WHERE d.id = $1`,
		[deliveryId, invoiceId],
	);
	return {
		deliveryStatus: r.rows[0].status,
		receptionDate: r.rows[0].reception_date,
		dueDate: r.rows[0].due_date,
	};
}

type EventResult =
	| { index: number; ok: true; outcome: CourierEventOutcome }
	| { index: number; ok: false; code: string; message: string; hint?: string };

/** Records events inside the caller's transaction, each under a savepoint: a refused event leaves nothing behind and does not stop the others. */
export async function recordCourierEventsIn(
	client: PoolClient,
	events: CourierEventInput[],
	options: CourierEventOptions = {},
): Promise<EventResult[]> {
	const results: EventResult[] = [];
	if (!options.qrSecret && events.some((e) => e && typeof e === 'object' && e.qrToken))
		options = { ...options, qrSecret: await serverKeys(client, 'qr') };
	for (let index = 0; index < events.length; index++) {
		await client.query('SAVEPOINT courier_event');
		let failure: unknown;
		let outcome: CourierEventOutcome | undefined;
		try {
			outcome = await recordCourierEvent(client, events[index], options);
		} catch (error) {
			failure = error ?? new Error('unknown error');
		}
		if (outcome) {
			await client.query('RELEASE SAVEPOINT courier_event');
			results.push({ index, ok: true, outcome });
			continue;
		}
		await client.query('ROLLBACK TO SAVEPOINT courier_event');
		if (!(failure instanceof ReceivablesError)) {
			throw new ReceivablesError(
				'COURIER_EVENT_FAILED',
				`Recording courier event ${index + 1} failed: ${failure instanceof Error ? failure.message : String(failure)}`,
				{
					hint: 'Nothing of the request was recorded; send it again once the ledger is reachable.',
					cause: failure,
				},
			);
		}
		results.push({
			index,
			ok: false,
			code: failure.code,
			message: failure.message,
			hint: failure.hint,
		});
	}
	return results;
}

/** Records events in one transaction (see recordCourierEventsIn). */
export async function recordCourierEvents(
	ledger: Ledger,
	events: CourierEventInput[],
	options: CourierEventOptions = {},
): Promise<EventResult[]> {
	return await ledger.transaction((client) => recordCourierEventsIn(client, events, options));
}

export interface CourierRequestResult {
	httpStatus: number;
	code: string;
	message?: Said;
	results?: EventResult[];
	/** The same request received again: this is the first answer, nothing was recorded twice. */
	repeated?: boolean;
}

function header(headers: Record<string, unknown>, name: string): string | undefined {
	for (const [k, v] of Object.entries(headers ?? {}))
		if (k.toLowerCase() === name)
			return Array.isArray(v) ? v.join(',') : typeof v === 'string' ? v : undefined;
	return undefined;
}

/**
 * A signed request from a courier's phone: X-Receivables-Device names the phone, whose own key (courier_devices,
 * see devices.ts) signs it like Invoice Intake's requests (X-Receivables-Signature / X-Receivables-Delivery, checked
 * by the intake's verifySignature). Body `{ "events": [ CourierEventInput, ... ] }` or one event; every event is the
 * phone's courier's (courierCode may be left out; another courier's code is refused). The delivery id is remembered
 * in webhook_deliveries (source `courier:<device>`) in the same transaction as the events, so a replayed request
 * changes nothing; each event is also idempotent by its own id.
 */
export async function receiveCourierRequest(
	ledger: Ledger,
	request: { rawBody: Buffer; headers: Record<string, unknown> },
	options: CourierEventOptions & {
		toleranceSeconds?: number;
		maxBodyBytes?: number;
		maxEvents?: number;
	},
): Promise<CourierRequestResult> {
	if (request.rawBody.length > (options.maxBodyBytes ?? 8 * 1024 * 1024))
		return {
			httpStatus: 413,
			code: 'BODY_TOO_LARGE',
			message: { en: 'The request is too large.', fr: 'La requête est trop grande.' },
		};
	const deliveryId = header(request.headers, RECEIVABLES_DELIVERY_HEADER);
	const device = await courierDeviceKey(
		ledger,
		header(request.headers, RECEIVABLES_DEVICE_HEADER)?.trim() ?? '',
	);
	if (!device)
		return {
			httpStatus: 401,
			code: 'DEVICE_UNKNOWN',
			message: {
				en: 'This phone is not enrolled, or its key was revoked.',
				fr: "Ce téléphone n'est pas enregistré, ou sa clé a été révoquée.",
			},
		};
	const verdict = verifySignature({
		rawBody: request.rawBody,
		header: header(request.headers, RECEIVABLES_SIGNATURE_HEADER),
		deliveryId,
		secret: device.key,
		now: options.now,
		toleranceSeconds: options.toleranceSeconds,
	});
	if (!verdict.ok) return { httpStatus: 401, code: verdict.code, message: verdict.message };
	// Text the ledger could not keep, refused with a clear 400 (never stored mangled, never a database error that the
	// phone would take for "send again later"): bytes that are not UTF-8, a NUL byte or a \u0000 in the JSON.
	const nul = {
		httpStatus: 400,
		code: 'BODY_NUL',
		message: {
			en: 'The body contains a NUL character (\\u0000).',
			fr: 'Le corps contient un caractère NUL (\\u0000).',
		},
	};
	let text: string;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(request.rawBody);
	} catch {
		return {
			httpStatus: 400,
			code: 'BODY_NOT_UTF8',
			message: { en: 'The body is not valid UTF-8.', fr: "Le corps n'est pas de l'UTF-8 valide." },
		};
	}
	if (text.includes('\u0000')) return { ...nul };
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		return {
			httpStatus: 400,
			code: 'BODY_NOT_JSON',
			message: { en: 'The body is not JSON.', fr: "Le corps n'est pas du JSON." },
		};
	}
	if (holdsNul(body)) return { ...nul };
	const given =
		body && typeof body === 'object' && Array.isArray((body as { events?: unknown }).events)
			? (body as { events: CourierEventInput[] }).events
			: [body as CourierEventInput];
	if (given.length === 0 || given.length > (options.maxEvents ?? 500))
		return {
			httpStatus: 413,
			code: 'TOO_MANY_EVENTS',
			message: {
				en: 'Send 1 to 500 events per request.',
				fr: 'Envoyez de 1 à 500 événements par requête.',
			},
		};
	const deviceId = header(request.headers, RECEIVABLES_DEVICE_HEADER)?.trim() as string;
	return await ledger.transaction(async (client): Promise<CourierRequestResult> => {
		// A phone that lost the answer sends the same request again: it gets the first answer (marked repeated), and
		// nothing is recorded twice. Another body under a used delivery id is refused (409), never applied.
		const source = `courier:${deviceId}`;
		const bodyHash = createHash('sha256').update(request.rawBody).digest('hex');
		const fresh = await client.query(
			'INSERT INTO webhook_deliveries (source, delivery_id, body_sha256, purpose) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING delivery_id',
			[source, deliveryId, bodyHash, 'courier'],
		);
		if (fresh.rowCount === 0) {
			const seen = await client.query<{
				body_sha256: string | null;
				response: CourierRequestResult | null;
			}>(
				'SELECT body_sha256, response FROM webhook_deliveries WHERE source = $1 AND delivery_id = $2',
				[source, deliveryId],
			);
			const first = seen.rows[0];
			if (first && first.body_sha256 === bodyHash && first.response)
				return { ...first.response, repeated: true };
			return {
				httpStatus: 409,
				code: 'DELIVERY_REUSED',
				message: {
					en: 'This delivery id was already used for another request: send new events under a new delivery id.',
					fr: 'Cet identifiant de livraison a déjà servi pour une autre requête : envoyez de nouveaux événements sous un nouvel identifiant.',
				},
			};
		}
		await client.query('UPDATE courier_devices SET last_used_at = now() WHERE id = $1', [deviceId]);
		const results: EventResult[] = [];
		const own: Array<{ index: number; event: CourierEventInput }> = [];
		given.forEach((event, index) => {
			const e = (event && typeof event === 'object' ? event : {}) as CourierEventInput;
			const code = typeof e.courierCode === 'string' ? e.courierCode.trim() : '';
			if (code && code !== device.courierCode) {
				results.push({
					index,
					ok: false,
					code: 'EVENT_COURIER_NOT_DEVICE',
					message:
						"The event names another courier than this phone's. / L'événement désigne un autre coursier que celui de ce téléphone.",
					hint: "A phone records only its own courier's events.",
				});
			} else own.push({ index, event: { ...e, courierCode: device.courierCode } });
		});
		const recorded = await recordCourierEventsIn(
			client,
			own.map((o) => o.event),
			options,
		);
		for (const r of recorded) results.push({ ...r, index: own[r.index].index });
		results.sort((x, y) => x.index - y.index);
		const answer: CourierRequestResult = {
			httpStatus: 200,
			code: results.every((r) => r.ok) ? 'OK' : 'PARTIAL',
			results,
		};
		await client.query(
			'UPDATE webhook_deliveries SET response = $3 WHERE source = $1 AND delivery_id = $2',
			[
				source,
				deliveryId,
				JSON.stringify(answer, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)),
			],
		);
		return answer;
	});
}
