import {
	disputeRouting,
	openDisputeIn,
	resolveDispute,
	type DisputeLedgerCategory,
} from '../disputes/ledger';
import { timelineEvent } from '../dunning/timeline-text';
import type { Ledger } from '../ledger/ledger';
import { invoiceNumberKey } from '../ledger/payments';
import { formatAmount, parseAmount } from '../money';
import { DEFAULT_ZONE, addDays } from '../time';
import { ReceivablesError } from '../errors';
import { anomaly } from '../intake/anomaly';
import { luhnValid } from '../company/identity';
import type { LifecycleEvent } from './cdar';
import { isLifecycleStatusCode, lifecycleStatus, type LifecycleEffect } from './statuses';

/**
 * Lifecycle statuses applied to the ledger: each one once per message, in the order of the platform's own
 * timestamps, with its effect on collections (see statuses.ts), written to the customer's history. A status for an
 * invoice the ledger does not hold yet is kept (`pending`) and applied when the invoice arrives
 * (applyPendingLifecycleStatuses); one for another seller's invoice is kept and reported, never applied.
 */

export interface LifecycleOptions {
	/** Where the statuses come from (platform name, "chorus-pro", "cdar-file"): kept with each status. */
	source?: string;
	/** The company's own seller ids (SIREN): a status naming another seller is reported, not applied. */
	sellerIds?: string[];
	/** Days a "payment sent" (211) status holds dunning while the money travels (default 10). */
	paymentSentHoldDays?: number;
	/**
	 * Effects the company turned off: a status whose effect is among them is recorded in the timeline and the history
	 * of statuses, and changes nothing else (result effect `none`, `effectOff` names the effect). Default: the
	 * company's lifecycle settings (saveLifecycleSettings), else none.
	 */
	effectsOff?: LifecycleEffect[];
	zone?: string;
	actor?: string;
}

/** The effects a company may turn off (those that change collections). */
export const SWITCHABLE_EFFECTS: readonly LifecycleEffect[] = [
	'reception',
	'approved',
	'dispute',
	'resolve',
	'refused',
	'rejected',
	'payment_sent',
	'factored',
];

/** The company's lifecycle settings, kept in the ledger (settings key `einvoicing.lifecycle`). */
export interface LifecycleSettings {
	effectsOff?: LifecycleEffect[];
	paymentSentHoldDays?: number;
	sellerIds?: string[];
}
export const LIFECYCLE_SETTINGS_KEY = 'einvoicing.lifecycle';

/** A field of the lifecycle settings a company sets (from a form, a node or the API). */
export type LifecycleSettingsField = 'effectsOff' | 'paymentSentHoldDays' | 'sellerIds';

/** What is wrong with one field of lifecycle settings, in English and French, with how to fix it. */
export interface LifecycleSettingsProblem {
	field: LifecycleSettingsField;
	message: string;
	messageFr: string;
	hint: string;
	hintFr: string;
}

const FIELD_LABELS: Record<LifecycleSettingsField, { en: string; fr: string }> = {
	effectsOff: { en: 'Effects turned off', fr: 'Effets désactivés' },
	paymentSentHoldDays: { en: 'Payment-sent hold', fr: "Attente d'un paiement transmis" },
	sellerIds: { en: 'Company SIREN', fr: "SIREN de l'entreprise" },
};

/** A list given as an array, or as text separated by commas, semicolons or new lines (what a form field gives). */
function listOf(value: unknown): string[] {
	const parts = Array.isArray(value)
		? value.map((v) => String(v ?? ''))
		: String(value).split(/[,;\n]/);
	return parts.map((p) => p.trim()).filter(Boolean);
}

/** Nothing given: undefined, null or blank text (an array, even empty, is given: "none"). */
function absent(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && !value.trim());
}

/**
 * Checks lifecycle settings as a company gives them: effects as names (any case, "payment sent" for payment_sent),
 * the hold as a whole number of days (or its digits), SIRENs as 9 digits with their check digit (spaces and dots
 * ignored). Returns the settings written as stored and every problem found, in English and French.
 */
export function checkLifecycleSettings(input: Record<string, unknown>): {
	settings: LifecycleSettings;
	problems: LifecycleSettingsProblem[];
} {
	const settings: LifecycleSettings = {};
	const problems: LifecycleSettingsProblem[] = [];
	const problem = (
		field: LifecycleSettingsField,
		en: string,
		fr: string,
		hint: string,
		hintFr: string,
	) => {
		const label = FIELD_LABELS[field];
		problems.push({
			field,
			message: `${label.en}: ${en}`,
			messageFr: `${label.fr} : ${fr}`,
			hint,
			hintFr,
		});
	};
	if (!absent(input.effectsOff)) {
		const effects: LifecycleEffect[] = [];
		for (const given of listOf(input.effectsOff)) {
			const name = given.toLowerCase().replace(/[\s-]+/g, '_') as LifecycleEffect;
			if (SWITCHABLE_EFFECTS.includes(name)) {
				if (!effects.includes(name)) effects.push(name);
			} else
				problem(
					'effectsOff',
					`"${given}" is not an effect that can be turned off.`,
					`« ${given} » n'est pas un effet que l'on peut désactiver.`,
					`Name effects among: ${SWITCHABLE_EFFECTS.join(', ')}.`,
					`Nommez les effets parmi : ${SWITCHABLE_EFFECTS.join(', ')}.`,
				);
		}
		settings.effectsOff = effects;
	}
	if (!absent(input.paymentSentHoldDays)) {
		const given = input.paymentSentHoldDays;
		const days =
			typeof given === 'number'
				? given
				: typeof given === 'string' && /^\s*\d+\s*$/.test(given)
					? Number(given)
					: NaN;
		if (!Number.isInteger(days) || days < 1 || days > 365)
			problem(
				'paymentSentHoldDays',
				`${JSON.stringify(given)} is not a number of days from 1 to 365.`,
				`${JSON.stringify(given)} n'est pas un nombre de jours de 1 à 365.`,
				'Give the days a "payment sent" (211) status holds dunning as a whole number from 1 to 365.',
				'Indiquez en nombre entier de 1 à 365 les jours pendant lesquels un statut « paiement transmis » (211) suspend les relances.',
			);
		else settings.paymentSentHoldDays = days;
	}
	if (!absent(input.sellerIds)) {
		const sirens: string[] = [];
		for (const given of listOf(input.sellerIds)) {
			const digits = given.replace(/[\s.]/g, '');
			const fix = [
				'Give the SIREN of the company (9 digits) as the platforms name it; several separated by commas.',
				"Indiquez le SIREN de l'entreprise (9 chiffres) tel que les plateformes le nomment ; plusieurs séparés par des virgules.",
			] as const;
			if (/^\d{14}$/.test(digits))
				problem(
					'sellerIds',
					`"${given}" is a SIRET (14 digits, an establishment); the SIREN is its first 9 digits: ${digits.slice(0, 9)}.`,
					`« ${given} » est un SIRET (14 chiffres, un établissement) ; le SIREN est formé de ses 9 premiers chiffres : ${digits.slice(0, 9)}.`,
					...fix,
				);
			else if (!/^\d{9}$/.test(digits))
				problem(
					'sellerIds',
					`"${given}" is not 9 digits.`,
					`« ${given} » ne compte pas 9 chiffres.`,
					...fix,
				);
			else if (!luhnValid(digits))
				problem(
					'sellerIds',
					`"${given}" fails the SIREN check digit (Luhn): a digit is mistyped.`,
					`« ${given} » ne passe pas la clé de contrôle du SIREN (Luhn) : un chiffre est erroné.`,
					...fix,
				);
			else if (!sirens.includes(digits)) sirens.push(digits);
		}
		settings.sellerIds = sirens;
	}
	return { settings, problems };
}

function lifecycleSettingsError(problems: LifecycleSettingsProblem[]): ReceivablesError {
	return new ReceivablesError(
		'LIFECYCLE_SETTINGS_INVALID',
		problems.map((p) => p.message).join(' '),
		{
			hint: [...new Set(problems.map((p) => p.hint))].join(' '),
			details: {
				messageFr: problems.map((p) => p.messageFr).join(' '),
				hintFr: [...new Set(problems.map((p) => p.hintFr))].join(' '),
				fields: [...new Set(problems.map((p) => p.field))],
			},
		},
	);
}

/** The company's lifecycle settings stored in the ledger, or {} when none. */
export async function loadLifecycleSettings(ledger: Ledger): Promise<LifecycleSettings> {
	const rows = await ledger.query<{ value: Record<string, unknown> | null }>(
		'SELECT value FROM settings WHERE key = $1',
		[LIFECYCLE_SETTINGS_KEY],
	);
	const stored = rows[0]?.value ?? {};
	const { settings, problems } = checkLifecycleSettings(stored);
	if (problems.some((p) => p.field !== 'sellerIds')) throw lifecycleSettingsError(problems);
	// SIRENs stored before they were checked are compared as they were written
	if (problems.length && Array.isArray(stored.sellerIds))
		settings.sellerIds = stored.sellerIds.map(String);
	return settings;
}

/**
 * Stores the company's lifecycle settings (effects turned off, payment-sent hold, its SIRENs) as given, replacing
 * the stored ones; refused with every wrong field (LIFECYCLE_SETTINGS_INVALID, French and English) and nothing
 * written when one is wrong.
 */
export async function saveLifecycleSettings(
	ledger: Ledger,
	settings: LifecycleSettings,
): Promise<void> {
	await updateLifecycleSettings(ledger, { ...settings }, { mode: 'replace' });
}

/** Days a "payment sent" (211) status holds dunning when neither the call nor the company says. */
export const DEFAULT_PAYMENT_SENT_HOLD_DAYS = 10;

/** The company's lifecycle settings as they apply, with when and by whom they were last saved. */
export interface LifecycleSettingsInEffect {
	/** Whether the company saved settings (else every effect is on, the hold is the default). */
	configured: boolean;
	effectsOff: LifecycleEffect[];
	effectsOn: LifecycleEffect[];
	paymentSentHoldDays: number;
	sellerIds: string[];
	savedAt?: string;
	savedBy?: string;
}

/** Reads the company's lifecycle settings as every entry point applies them (defaults filled in). */
export async function lifecycleSettingsInEffect(
	ledger: Ledger,
): Promise<LifecycleSettingsInEffect> {
	const settings = await loadLifecycleSettings(ledger);
	const rows = await ledger.query<{ updated_at: Date; updated_by: string | null }>(
		'SELECT updated_at, updated_by FROM settings WHERE key = $1',
		[LIFECYCLE_SETTINGS_KEY],
	);
	const effectsOff = settings.effectsOff ?? [];
	return {
		configured: rows.length > 0,
		effectsOff,
		effectsOn: SWITCHABLE_EFFECTS.filter((e) => !effectsOff.includes(e)),
		paymentSentHoldDays: settings.paymentSentHoldDays ?? DEFAULT_PAYMENT_SENT_HOLD_DAYS,
		sellerIds: settings.sellerIds ?? [],
		...(rows[0] ? { savedAt: rows[0].updated_at.toISOString() } : {}),
		...(rows[0]?.updated_by ? { savedBy: rows[0].updated_by } : {}),
	};
}

export interface LifecycleSettingsSaved {
	status: 'created' | 'updated' | 'unchanged';
	/** The fields whose stored value changed. */
	changed: LifecycleSettingsField[];
	settings: LifecycleSettings;
}

/**
 * Checks and saves the company's lifecycle settings: `merge` (default) changes only the fields given (a field left
 * empty keeps its value; an empty list of effects turns them all back on), `replace` stores exactly what is given.
 * The value replaced is kept in settings_history with who replaced it. Refused with every wrong field
 * (LIFECYCLE_SETTINGS_INVALID, French and English), nothing written.
 */
export async function updateLifecycleSettings(
	ledger: Ledger,
	input: Record<string, unknown>,
	options: { mode?: 'merge' | 'replace'; actor?: string } = {},
): Promise<LifecycleSettingsSaved> {
	const { settings: given, problems } = checkLifecycleSettings(input);
	if (problems.length) throw lifecycleSettingsError(problems);
	return await ledger.transaction(async (client) => {
		const current = await client.query<{ value: LifecycleSettings; updated_at: Date }>(
			'SELECT value, updated_at FROM settings WHERE key = $1 FOR UPDATE',
			[LIFECYCLE_SETTINGS_KEY],
		);
		const previous = current.rows[0]?.value;
		const next: LifecycleSettings =
			options.mode === 'replace' ? given : { ...(previous ?? {}), ...given };
		const fields: LifecycleSettingsField[] = ['effectsOff', 'paymentSentHoldDays', 'sellerIds'];
		const changed = fields.filter(
			(f) => JSON.stringify(previous?.[f] ?? null) !== JSON.stringify(next[f] ?? null),
		);
		if (previous && changed.length === 0) return { status: 'unchanged', changed, settings: next };
		if (previous)
			await client.query(
				'INSERT INTO settings_history (key, value, valid_from, replaced_by, changed) VALUES ($1, $2, $3, $4, $5)',
				[
					LIFECYCLE_SETTINGS_KEY,
					JSON.stringify(previous),
					current.rows[0].updated_at,
					options.actor ?? null,
					changed,
				],
			);
		await client.query(
			`INSERT INTO settings (key, value, updated_at, updated_by) VALUES ($1, $2::jsonb, now(), $3)
			ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now(), updated_by = EXCLUDED.updated_by`,
			[LIFECYCLE_SETTINGS_KEY, JSON.stringify(next), options.actor ?? null],
		);
		return { status: previous ? 'updated' : 'created', changed, settings: next };
	});
}

export type LifecycleOutcome = 'applied' | 'duplicate' | 'superseded' | 'pending' | 'other_issuer';

export interface LifecycleResult {
	messageId: string;
	invoiceNumber: string;
	statusCode: string;
	outcome: LifecycleOutcome;
	effect?: LifecycleEffect;
	invoiceId?: string;
	/** Dispute opened (207, 208, 210) or resolved (209). */
	disputeId?: string;
	/** The status's effect, turned off by the company (the status changed nothing but the timeline). */
	effectOff?: LifecycleEffect;
	/** 203: the reception date it set (the earliest availability), and the due date it moved (terms from reception). */
	receptionDate?: string;
	dueDate?: string;
	previousDueDate?: string;
	message: { en: string; fr: string };
}

/** The category of a platform's dispute or refusal, from the reason code of the French list (BR-FR-CDV-CL-09). */
export function disputeCategoryOfReason(reason: string | undefined): DisputeLedgerCategory {
	switch (reason) {
		case 'LIVR_INCOMP':
		case 'QTE_ERR':
		case 'ART_ERR':
			return 'logistics';
		case 'PU_ERR':
		case 'REM_ERR':
		case 'CONTRAT_TERM':
			return 'commercial';
		case 'QUALITE_ERR':
		case 'NON_CONFORME':
			return 'technical';
		case undefined:
		case 'AUTRE':
			return 'other';
		default:
			return 'administrative';
	}
}

function lifecycleError(code: string, en: string, fr: string): ReceivablesError {
	return new ReceivablesError(code, en, {
		hint: 'Map the platform event to invoiceNumber, statusCode (200–228), timestamp and messageId.',
		details: {
			messageFr: fr,
			hintFr:
				"Associez l'événement de la plateforme à invoiceNumber, statusCode (200–228), timestamp et messageId.",
		},
	});
}

/** Chorus Pro statuses of invoices to public customers, in the lifecycle codes. */
/**
 * Chorus Pro's invoice status names (its API's `statut` / `statutCourant`, public customers) → the lifecycle code
 * whose effect applies. Chorus Pro has no "refused" besides REJETEE (the public buyer sends the invoice back), so
 * REJETEE is 210 Refusée; A_RECYCLER (sent to the wrong service, to be routed again) is 221 Erreur de routage; the
 * accounting steps after approval are 204 Prise en charge (history only).
 */
export const CHORUS_PRO_STATUSES: Readonly<Record<string, string>> = {
	DEPOSEE: '200',
	EN_COURS_ACHEMINEMENT: '202',
	MISE_A_DISPOSITION: '203',
	A_RECYCLER: '221',
	MANDATEE: '204',
	MISE_A_DISPOSITION_COMPTABLE: '204',
	COMPTABILISEE: '204',
	SERVICE_FAIT: '205',
	SUSPENDUE: '208',
	COMPLETEE: '209',
	REJETEE: '210',
	MISE_EN_PAIEMENT: '211',
};
const CHORUS_PRO = CHORUS_PRO_STATUSES;

/**
 * A platform's JSON status event → a lifecycle event. Fields (aliases in brackets): messageId [eventId, id],
 * invoiceNumber [invoiceId, documentNumber, numeroFacture], invoiceIssueDate [invoiceDate], sellerId [siren, issuer],
 * statusCode [status, code, statut, statutCourant] — a lifecycle code (200–228, 501) or a Chorus Pro status name —, reasonCode
 * [reason.code, motif], reasonText [reason.text, message, commentaire], amount + currency (211/212, 206: approved),
 * timestamp [issuedAt, date, dateStatut].
 */
export function normaliseLifecycleRecord(record: Record<string, unknown>): LifecycleEvent {
	const pick = (...names: string[]): string | undefined => {
		for (const name of names) {
			const value = name
				.split('.')
				.reduce<unknown>(
					(v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
					record,
				);
			if (value !== undefined && value !== null && String(value).trim() !== '')
				return String(value).trim();
		}
		return undefined;
	};
	const rawStatus = pick('statusCode', 'status', 'code', 'statut', 'statutCourant');
	const statusCode =
		rawStatus && CHORUS_PRO[rawStatus.toUpperCase()]
			? CHORUS_PRO[rawStatus.toUpperCase()]
			: rawStatus;
	const invoiceNumber = pick('invoiceNumber', 'invoiceId', 'documentNumber', 'numeroFacture');
	const timestamp = pick('timestamp', 'issuedAt', 'date', 'dateStatut');
	if (!invoiceNumber)
		throw lifecycleError(
			'LIFECYCLE_NO_INVOICE',
			'The status event names no invoice (invoiceNumber).',
			"L'événement de statut ne cite aucune facture (invoiceNumber).",
		);
	if (!statusCode || !isLifecycleStatusCode(statusCode))
		throw lifecycleError(
			'LIFECYCLE_UNKNOWN_STATUS',
			`"${rawStatus ?? ''}" is not a lifecycle status (200 to 228, 501, or a Chorus Pro status).`,
			`« ${rawStatus ?? ''} » n'est pas un statut de cycle de vie (200 à 228, 501, ou un statut Chorus Pro).`,
		);
	const at = timestamp
		? new Date(/^\d{4}-\d{2}-\d{2}$/.test(timestamp) ? `${timestamp}T00:00:00Z` : timestamp)
		: undefined;
	if (!at || Number.isNaN(at.getTime()))
		throw lifecycleError(
			'LIFECYCLE_BAD_TIMESTAMP',
			`"${timestamp ?? ''}" is not the status's date and time.`,
			`« ${timestamp ?? ''} » n'est pas la date et l'heure du statut.`,
		);
	const messageId =
		pick('messageId', 'eventId', 'id') ?? `${invoiceNumber}/${statusCode}/${at.toISOString()}`;
	const amount = pick('amount', 'montant');
	const currency = (pick('currency', 'devise') ?? 'EUR').toUpperCase();
	const amounts: LifecycleEvent['amounts'] = [];
	if (amount) {
		let amountMinor: bigint;
		try {
			amountMinor = parseAmount(amount, currency);
		} catch {
			throw lifecycleError(
				'LIFECYCLE_BAD_AMOUNT',
				`"${amount}" is not an amount in ${currency}.`,
				`« ${amount} » n'est pas un montant en ${currency}.`,
			);
		}
		if (amountMinor <= 0n)
			throw lifecycleError(
				'LIFECYCLE_BAD_AMOUNT',
				`"${amount}" is not a positive amount.`,
				`« ${amount} » n'est pas un montant positif.`,
			);
		// 212: amount received (MEN); 206: amount approved incl. VAT (MAPTTC); 211 and the rest: amount paid (MPA).
		amounts.push({
			type: statusCode === '212' ? 'MEN' : statusCode === '206' ? 'MAPTTC' : 'MPA',
			amountMinor,
			currency,
		});
	}
	const reasonCode = pick('reasonCode', 'reason.code', 'motif');
	const reasonText = pick('reasonText', 'reason.text', 'message', 'commentaire');
	const invoiceIssueDate = pick('invoiceIssueDate', 'invoiceDate');
	const sellerId = pick('sellerId', 'siren', 'issuer');
	return {
		messageId,
		issuedAt: at.toISOString(),
		statusCode,
		invoiceNumber,
		amounts,
		...(reasonCode ? { reasonCode } : {}),
		...(reasonText ? { reasonText } : {}),
		...(invoiceIssueDate ? { invoiceIssueDate } : {}),
		...(sellerId ? { sellerId } : {}),
	};
}

interface InvoiceRow {
	id: string;
	number: string;
	issuer: string;
	customer_id: string;
	currency: string;
	lifecycle_at: string | null;
}

function describe(event: LifecycleEvent): { en: string; fr: string } {
	const status = lifecycleStatus(event.statusCode)!;
	const reason =
		event.reasonCode || event.reasonText
			? ` — ${[event.reasonCode, event.reasonText].filter(Boolean).join(': ')}`
			: '';
	const amounts = event.amounts
		.map((a) => `${a.type} ${formatAmount(a.amountMinor, a.currency)} ${a.currency}`)
		.join(', ');
	return {
		en: `Platform status ${event.statusCode} ${status.en} for invoice ${event.invoiceNumber}${reason}${amounts ? ` (${amounts})` : ''}`,
		fr: `Statut plateforme ${event.statusCode} ${status.fr} pour la facture ${event.invoiceNumber}${reason}${amounts ? ` (${amounts})` : ''}`,
	};
}

/** The customer timeline's event of a status (rendered in French or English when read). */
function lifecycleTimeline(event: LifecycleEvent, superseded: boolean) {
	const reason = [event.reasonCode, event.reasonText].filter(Boolean).join(': ');
	return timelineEvent('lifecycle_status', {
		statusCode: event.statusCode,
		invoice: event.invoiceNumber,
		reason: reason || undefined,
		amounts: event.amounts.length
			? event.amounts.map(
					(a) => `${a.type} ${formatAmount(a.amountMinor, a.currency)} ${a.currency}`,
				)
			: undefined,
		superseded: superseded || undefined,
	});
}

/** Applies lifecycle statuses, oldest first by their own timestamps. Returns one result per event, in input order. */
export async function applyLifecycleStatuses(
	ledger: Ledger,
	events: LifecycleEvent[],
	options: LifecycleOptions = {},
): Promise<LifecycleResult[]> {
	const order = events
		.map((event, index) => ({ event, index }))
		.sort((a, b) => a.event.issuedAt.localeCompare(b.event.issuedAt) || a.index - b.index);
	const results: LifecycleResult[] = new Array(events.length);
	const routing = await disputeRouting(ledger);
	const settings = await withCompanySettings(ledger, options);
	for (const { event, index } of order)
		results[index] = await applyOne(ledger, event, settings, routing);
	return results;
}

/** The call's options over the company's stored lifecycle settings (an option given wins). */
async function withCompanySettings(
	ledger: Ledger,
	options: LifecycleOptions,
): Promise<LifecycleOptions> {
	const stored = await loadLifecycleSettings(ledger);
	return {
		...options,
		effectsOff: options.effectsOff ?? stored.effectsOff,
		paymentSentHoldDays: options.paymentSentHoldDays ?? stored.paymentSentHoldDays,
		sellerIds: options.sellerIds?.length ? options.sellerIds : stored.sellerIds,
	};
}

/** The intake anomaly code of an invoice the e-invoicing platform rejected (213 Rejetée, 501). */
export const PLATFORM_REJECTED = 'EINVOICE_PLATFORM_REJECTED';

function platformRejection(event: LifecycleEvent, statusCode: string) {
	const reason = [event.reasonCode, event.reasonText].filter(Boolean).join(' — ');
	return {
		...anomaly(
			PLATFORM_REJECTED,
			'block',
			'lifecycleStatus',
			`Rejected by the e-invoicing platform (${statusCode}${reason ? `: ${reason}` : ', no reason given'}): the invoice is not due.`,
			`Rejetée par la plateforme de facturation électronique (${statusCode}${reason ? ` : ${reason}` : ', sans motif'}) : la facture n'est pas due.`,
			'Correct the invoice and issue it again on the platform.',
			'Corrigez la facture et réémettez-la sur la plateforme.',
		),
		statusCode,
		reasonCode: event.reasonCode ?? null,
		reasonText: event.reasonText ?? null,
		messageId: event.messageId,
		issuedAt: event.issuedAt,
	};
}

async function applyOne(
	ledger: Ledger,
	event: LifecycleEvent,
	options: LifecycleOptions,
	routing: Awaited<ReturnType<typeof disputeRouting>>,
	retry = false,
): Promise<LifecycleResult> {
	const status = lifecycleStatus(event.statusCode);
	if (!status)
		throw lifecycleError(
			'LIFECYCLE_UNKNOWN_STATUS',
			`"${event.statusCode}" is not a lifecycle status.`,
			`« ${event.statusCode} » n'est pas un statut de cycle de vie.`,
		);
	// an effect the company turned off: the status is recorded and changes nothing else
	const effectOff = options.effectsOff?.includes(status.effect) ? status.effect : undefined;
	const effect: LifecycleEffect = effectOff ? 'none' : status.effect;
	const zone = options.zone ?? DEFAULT_ZONE;
	const actor = options.actor ?? `platform:${options.source ?? 'e-invoicing'}`;
	const message = describe(event);
	const base = {
		messageId: event.messageId,
		invoiceNumber: event.invoiceNumber,
		statusCode: event.statusCode,
		message,
	};
	const day = new Intl.DateTimeFormat('en-CA', {
		timeZone: zone,
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
	}).format(new Date(event.issuedAt));
	let toResolve: string[] = [];
	const result = await ledger.transaction(async (client) => {
		const known = await client.query<{ outcome: string; invoice_id: string | null }>(
			'SELECT outcome, invoice_id FROM lifecycle_statuses WHERE message_id = $1 AND invoice_number = $2 AND status_code = $3 FOR UPDATE',
			[event.messageId, event.invoiceNumber, event.statusCode],
		);
		if (known.rows[0] && !(retry && known.rows[0].outcome === 'pending'))
			return {
				...base,
				outcome: 'duplicate' as const,
				...(known.rows[0].invoice_id ? { invoiceId: known.rows[0].invoice_id } : {}),
			};
		const record = async (
			outcome: LifecycleOutcome,
			invoiceId: string | null,
			effect: LifecycleEffect | null,
		) => {
			await client.query(
				`INSERT INTO lifecycle_statuses (message_id, invoice_number, invoice_key, seller_id, status_code, issued_at, reason_code, reason_text, amounts, source, invoice_id, outcome, effect)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
				ON CONFLICT (message_id, invoice_number, status_code) DO UPDATE SET invoice_id = EXCLUDED.invoice_id, outcome = EXCLUDED.outcome, effect = EXCLUDED.effect`,
				[
					event.messageId,
					event.invoiceNumber,
					invoiceNumberKey(event.invoiceNumber),
					event.sellerId ?? null,
					event.statusCode,
					event.issuedAt,
					event.reasonCode ?? null,
					event.reasonText ?? null,
					JSON.stringify(
						event.amounts.map((a) => ({ ...a, amountMinor: a.amountMinor.toString() })),
					),
					options.source ?? 'e-invoicing',
					invoiceId,
					outcome,
					effect,
				],
			);
		};
		if (
			event.sellerId &&
			options.sellerIds?.length &&
			!options.sellerIds.includes(event.sellerId)
		) {
			await record('other_issuer', null, null);
			return {
				...base,
				outcome: 'other_issuer' as const,
				message: {
					en: `${message.en}: seller ${event.sellerId} is not the company; kept, not applied.`,
					fr: `${message.fr} : le vendeur ${event.sellerId} n'est pas l'entreprise ; conservé, non appliqué.`,
				},
			};
		}
		const found = await client.query<InvoiceRow>(
			`SELECT id, number, issuer, customer_id, currency, lifecycle_at::text FROM invoices
			WHERE doc_type = 'invoice' AND upper(regexp_replace(number, '[^A-Za-z0-9]', '', 'g')) = $1 ${event.invoiceIssueDate ? 'AND issue_date = $2::date' : ''}
			ORDER BY id FOR UPDATE`,
			event.invoiceIssueDate
				? [invoiceNumberKey(event.invoiceNumber), event.invoiceIssueDate]
				: [invoiceNumberKey(event.invoiceNumber)],
		);
		if (found.rows.length !== 1) {
			await record('pending', null, null);
			return {
				...base,
				outcome: 'pending' as const,
				message: {
					en: `${message.en}: the invoice is not in the ledger yet; kept until it arrives.`,
					fr: `${message.fr} : la facture n'est pas encore dans le grand livre ; conservé jusqu'à son arrivée.`,
				},
			};
		}
		const invoice = found.rows[0];
		const newer =
			!invoice.lifecycle_at || new Date(invoice.lifecycle_at) <= new Date(event.issuedAt);
		const history = async (superseded: boolean, payload: Record<string, unknown> = {}) => {
			const said = lifecycleTimeline(event, superseded);
			return client.query(
				`INSERT INTO history (customer_id, invoice_id, kind, actor, summary, payload) VALUES ($1, $2, 'lifecycle_status', $3, $4, $5)`,
				[
					invoice.customer_id,
					invoice.id,
					actor,
					said.summary,
					JSON.stringify({
						messageId: event.messageId,
						statusCode: event.statusCode,
						issuedAt: event.issuedAt,
						reasonCode: event.reasonCode ?? null,
						reasonText: event.reasonText ?? null,
						timeline: said.timeline,
						...payload,
					}),
				],
			);
		};
		const hold = async (reason: string, until: string | null) => {
			const existing = await client.query(
				'SELECT 1 FROM holds WHERE invoice_id = $1 AND reason = $2 AND released_at IS NULL',
				[invoice.id, reason],
			);
			// The hold takes effect when the platform issued the status (never later than now), as the dispute does.
			if (existing.rows.length === 0)
				await client.query(
					'INSERT INTO holds (customer_id, invoice_id, reason, until, created_by, created_at) VALUES ($1, $2, $3, $4, $5, LEAST($6::timestamptz, now()))',
					[invoice.customer_id, invoice.id, reason, until, actor, event.issuedAt],
				);
		};
		// The reception date is a fact whatever order statuses arrive in: the earliest availability counts. As a
		// courier's proof of delivery does, it starts the collections clock: terms counted from reception move the
		// due date (reception + terms days), so the next reminder plan counts from it.
		let reception: Pick<LifecycleResult, 'receptionDate' | 'dueDate' | 'previousDueDate'> = {};
		if (effect === 'reception') {
			const moved = await client.query<{ due_date: string; previous_due: string }>(
				`UPDATE invoices i SET reception_date = $2::date,
					due_date = CASE WHEN i.terms_basis = 'reception' AND i.terms_days IS NOT NULL THEN $2::date + i.terms_days ELSE i.due_date END,
					updated_at = now()
				FROM invoices old WHERE i.id = $1 AND old.id = i.id AND (i.reception_date IS NULL OR i.reception_date > $2::date)
				RETURNING to_char(i.due_date, 'YYYY-MM-DD') AS due_date, to_char(old.due_date, 'YYYY-MM-DD') AS previous_due`,
				[invoice.id, day],
			);
			if (moved.rows[0])
				reception = {
					receptionDate: day,
					...(moved.rows[0].due_date !== moved.rows[0].previous_due
						? { dueDate: moved.rows[0].due_date, previousDueDate: moved.rows[0].previous_due }
						: {}),
				};
		}
		if (!newer) {
			// an older approval still answers the quality call (unless the company turned approvals off)
			await record(
				'superseded',
				invoice.id,
				effect === 'reception' || effect === 'approved' || effectOff ? effect : null,
			);
			await history(true, reception);
			return { ...base, outcome: 'superseded' as const, invoiceId: invoice.id, ...reception };
		}
		await client.query(
			'UPDATE invoices SET lifecycle_status = $2, lifecycle_at = $3 WHERE id = $1',
			[invoice.id, event.statusCode, event.issuedAt],
		);
		let disputeId: string | undefined;
		switch (effect) {
			case 'dispute':
			case 'refused': {
				const opened = await openDisputeIn(client, routing, {
					invoices: [invoice.number],
					issuer: invoice.issuer,
					category: disputeCategoryOfReason(event.reasonCode),
					source: 'platform',
					sourceRef: `${event.messageId}/${invoice.number}/${event.statusCode}`,
					evidence: [`${event.statusCode} ${status.fr}`, event.reasonCode, event.reasonText]
						.filter(Boolean)
						.join(' — '),
					asOf: day,
					zone,
					actor,
				});
				disputeId = String(opened.disputeId);
				if (effect === 'refused')
					await hold(
						`Refusée sur la plateforme (${event.reasonCode ?? 'sans motif'}) / refused on the platform`,
						null,
					);
				break;
			}
			case 'resolve': {
				const open = await client.query<{ id: string }>(
					`SELECT d.id FROM disputes d JOIN dispute_invoices di ON di.dispute_id = d.id WHERE di.invoice_id = $1 AND d.status = 'open' AND d.source = 'platform'`,
					[invoice.id],
				);
				toResolve = open.rows.map((r) => r.id);
				break;
			}
			case 'rejected':
				await hold(
					`Rejetée par la plateforme (${event.reasonCode ?? 'sans motif'}) : facture non due, à réémettre / rejected by the platform: not due, to be reissued`,
					null,
				);
				// An Invoice Intake anomaly on the invoice (its `anomalies`, as the intake checks store them), once
				// per invoice: a replayed or repeated rejection adds no second one.
				await client.query(
					`UPDATE invoices SET anomalies = anomalies || $2::jsonb, updated_at = now()
					WHERE id = $1 AND NOT anomalies @> jsonb_build_array(jsonb_build_object('code', $3::text))`,
					[invoice.id, JSON.stringify([platformRejection(event, status.code)]), PLATFORM_REJECTED],
				);
				break;
			case 'payment_sent':
				await hold(
					`Paiement transmis (211) / payment sent`,
					addDays(day, options.paymentSentHoldDays ?? DEFAULT_PAYMENT_SENT_HOLD_DAYS),
				);
				break;
			case 'factored':
				await hold('Affacturée (225) : le factor recouvre / factored: the factor collects', null);
				break;
			default:
				break;
		}
		await history(false, {
			...reception,
			...(disputeId ? { disputeId } : {}),
			...(effectOff ? { effectOff } : {}),
		});
		await record('applied', invoice.id, effect);
		return {
			...base,
			outcome: 'applied' as const,
			effect: effect,
			invoiceId: invoice.id,
			...reception,
			...(disputeId ? { disputeId } : {}),
			...(effectOff ? { effectOff } : {}),
		};
	});
	for (const id of toResolve) {
		await resolveDispute(ledger, {
			disputeId: id,
			resolution: 'other',
			rootCause: `completed on the platform (209, message ${event.messageId})`,
			actor,
			asOf: day,
			zone,
		});
		(result as LifecycleResult).disputeId = id;
	}
	return result;
}

/** Statuses kept for invoices that were not in the ledger: applied now for those that arrived since. */
export async function applyPendingLifecycleStatuses(
	ledger: Ledger,
	options: LifecycleOptions = {},
): Promise<LifecycleResult[]> {
	const rows = await ledger.query<{
		message_id: string;
		invoice_number: string;
		seller_id: string | null;
		status_code: string;
		issued_at: Date;
		reason_code: string | null;
		reason_text: string | null;
		amounts: Array<{ type: string; amountMinor: string; currency: string; vatRate?: string }>;
	}>(
		`SELECT l.message_id, l.invoice_number, l.seller_id, l.status_code, l.issued_at, l.reason_code, l.reason_text, l.amounts FROM lifecycle_statuses l
		WHERE l.outcome = 'pending' AND EXISTS (SELECT 1 FROM invoices i WHERE i.doc_type = 'invoice' AND upper(regexp_replace(i.number, '[^A-Za-z0-9]', '', 'g')) = l.invoice_key)
		ORDER BY l.issued_at, l.id`,
	);
	const routing = await disputeRouting(ledger);
	const settings = await withCompanySettings(ledger, options);
	const results: LifecycleResult[] = [];
	for (const r of rows) {
		results.push(
			await applyOne(
				ledger,
				{
					messageId: r.message_id,
					invoiceNumber: r.invoice_number,
					statusCode: r.status_code,
					issuedAt: new Date(r.issued_at).toISOString(),
					...(r.seller_id ? { sellerId: r.seller_id } : {}),
					...(r.reason_code ? { reasonCode: r.reason_code } : {}),
					...(r.reason_text ? { reasonText: r.reason_text } : {}),
					amounts: r.amounts.map((a) => ({ ...a, amountMinor: BigInt(a.amountMinor) })),
				},
				settings,
				routing,
				true,
			),
		);
	}
	return results;
}
