import { ReceivablesError } from '../errors';
import type { Ledger } from '../ledger';
import { effectiveDate, effectiveInstant } from '../ledger/effective';
import { addDays, DEFAULT_ZONE, parseCalendarDate, todayIn } from '../time';
import { timelineSummary, type TimelineLanguage } from './timeline-text';

/**
 * The record of exchanges with a customer (history is append-only): what was sent, printed, bounced, said on
 * the phone. Reminders write theirs when they are confirmed; people and other tools add theirs here.
 */
export type OutcomeKind =
	| 'call'
	| 'note'
	| 'email_in'
	| 'letter_in'
	| 'meeting'
	| 'promise'
	| 'visit';

export interface OutcomeInput {
	customerExternalId: string;
	/** Invoices the exchange is about (numbers); none: the whole account. */
	invoiceNumbers?: string[];
	kind: OutcomeKind;
	channel?: 'email' | 'letter' | 'call' | 'visit' | 'other';
	summary: string;
	actor?: string;
	/** Anything worth keeping (who answered, what was agreed). */
	details?: Record<string, unknown>;
	/**
	 * When it happened (default: now): a date and time (ISO 8601), or a day (YYYY-MM-DD, recorded at noon of that day
	 * in `zone`), never in the future — a company recording its past exchanges gives their dates.
	 */
	at?: string;
	/** Time zone of a day given as `at` (default Europe/Paris). */
	zone?: string;
}

/** Minutes a given instant may be ahead of the server's clock (clocks of phones and servers differ a little). */
const CLOCK_SKEW_MS = 5 * 60_000;

function outcomeInstant(input: OutcomeInput): Date {
	const raw = input.at === undefined || input.at === null ? '' : String(input.at).trim();
	if (!raw) return new Date();
	if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) {
		const day = effectiveDate(raw, input.zone, 'OUTCOME_BAD_DATE');
		const instant = effectiveInstant(day, input.zone);
		return instant ? new Date(instant) : new Date();
	}
	const at = new Date(raw);
	if (Number.isNaN(at.getTime()))
		throw new ReceivablesError(
			'OUTCOME_BAD_DATE',
			`"${raw}" is not a date and time / « ${raw} » n'est pas une date et heure.`,
			{ hint: 'Use an ISO date such as 2026-03-31T14:30:00+02:00, or a day such as 2026-03-31.' },
		);
	if (at.getTime() > Date.now() + CLOCK_SKEW_MS) {
		throw new ReceivablesError(
			'OUTCOME_BAD_DATE',
			`${raw} is in the future: an exchange is recorded once it has happened / ${raw} est dans le futur : un échange s'enregistre une fois qu'il a eu lieu.`,
			{ hint: 'Give when it happened, now or earlier.' },
		);
	}
	return at;
}

const KINDS: OutcomeKind[] = [
	'call',
	'note',
	'email_in',
	'letter_in',
	'meeting',
	'promise',
	'visit',
];

/** Appends an exchange to the history, one row per invoice named (or one for the account). */
export async function recordOutcome(
	ledger: Ledger,
	input: OutcomeInput,
): Promise<{ customerId: string; rows: number }> {
	if (!KINDS.includes(input.kind)) {
		throw new ReceivablesError('OUTCOME_BAD_KIND', `"${input.kind}" is not a kind of exchange.`, {
			hint: `Use one of ${KINDS.join(', ')}.`,
		});
	}
	if (!input.summary?.trim())
		throw new ReceivablesError('OUTCOME_NO_SUMMARY', 'The exchange has no summary.', {
			hint: 'Write what was said or done in one sentence.',
		});
	const at = outcomeInstant(input);
	return await ledger.transaction(async (client) => {
		const customer = await client.query<{ id: string }>(
			'SELECT id FROM customers WHERE external_id = $1',
			[input.customerExternalId],
		);
		if (!customer.rows[0]) {
			throw new ReceivablesError(
				'OUTCOME_UNKNOWN_CUSTOMER',
				`There is no customer "${input.customerExternalId}" in the ledger.`,
				{ hint: 'Use the customer code of your accounting (externalId).' },
			);
		}
		const customerId = String(customer.rows[0].id);
		let invoiceIds: Array<string | null> = [null];
		if (input.invoiceNumbers?.length) {
			const found = await client.query<{ id: string; number: string }>(
				'SELECT id, number FROM invoices WHERE customer_id = $1 AND number = ANY($2::text[])',
				[customerId, input.invoiceNumbers],
			);
			const missing = input.invoiceNumbers.filter((n) => !found.rows.some((r) => r.number === n));
			if (missing.length) {
				throw new ReceivablesError(
					'OUTCOME_UNKNOWN_INVOICE',
					`Customer "${input.customerExternalId}" has no invoice ${missing.join(', ')}.`,
					{ hint: 'Check the invoice numbers.' },
				);
			}
			invoiceIds = found.rows.map((r) => String(r.id));
		}
		for (const invoiceId of invoiceIds) {
			await client.query(
				'INSERT INTO history (at, customer_id, invoice_id, kind, channel, actor, summary, payload) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
				[
					at,
					customerId,
					invoiceId,
					input.kind,
					input.channel ?? (input.kind === 'call' ? 'call' : null),
					input.actor ?? null,
					input.summary.trim(),
					JSON.stringify(input.details ?? {}),
				],
			);
		}
		return { customerId, rows: invoiceIds.length };
	});
}

export interface TimelineEntry {
	at: string;
	kind: string;
	channel: string | null;
	actor: string | null;
	/** In the language asked for (French or English), rendered from the entry's kind when it is read. */
	summary: string;
	language: TimelineLanguage;
	invoiceNumber: string | null;
	contentHash: string | null;
	messageId: string | null;
	stage: string | null;
}

/** Everything exchanged with a customer, newest first (index on history (customer_id, at)). */
export async function customerTimeline(
	ledger: Ledger,
	options: {
		customerExternalId: string;
		from?: string;
		to?: string;
		limit?: number;
		language?: TimelineLanguage;
	},
): Promise<TimelineEntry[]> {
	const rows = await ledger.query<{
		at: Date;
		kind: string;
		channel: string | null;
		actor: string | null;
		summary: string;
		number: string | null;
		content_hash: string | null;
		payload: Record<string, unknown>;
	}>(
		`SELECT h.at, h.kind, h.channel, h.actor, h.summary, i.number, h.content_hash, h.payload
		FROM customers c JOIN history h ON h.customer_id = c.id LEFT JOIN invoices i ON i.id = h.invoice_id
		WHERE c.external_id = $1 AND ($2::timestamptz IS NULL OR h.at >= $2) AND ($3::timestamptz IS NULL OR h.at < $3)
		ORDER BY h.at DESC, h.id DESC LIMIT $4`,
		[
			options.customerExternalId,
			options.from ?? null,
			options.to ? addDays(options.to, 1) : null,
			options.limit ?? 500,
		],
	);
	const language: TimelineLanguage = options.language === 'en' ? 'en' : 'fr';
	return rows.map((r) => ({
		at: r.at.toISOString(),
		kind: r.kind,
		channel: r.channel,
		actor: r.actor,
		summary: timelineSummary({ kind: r.kind, summary: r.summary, payload: r.payload }, language),
		language,
		invoiceNumber: r.number,
		contentHash: r.content_hash,
		messageId: typeof r.payload?.messageId === 'string' ? r.payload.messageId : null,
		stage: typeof r.payload?.stage === 'string' ? r.payload.stage : null,
	}));
}

export interface DunningVolume {
	day: string;
	stage: string;
	channel: string;
	sent: number;
	failed: number;
	uncertain: number;
	retry: number;
	bounced: number;
	/** bounced / (sent + bounced), e-mail only, as a decimal string ("0.0250"). */
	bounceRate: string;
}

/** Volumes per day, stage and channel, with bounce rates, for reports (days in the company zone). */
export async function dunningVolumes(
	ledger: Ledger,
	options: { from?: string; to?: string; zone?: string } = {},
): Promise<DunningVolume[]> {
	const zone = options.zone ?? DEFAULT_ZONE;
	const to = parseCalendarDate(options.to ?? todayIn(zone)) as string;
	const from = parseCalendarDate(options.from ?? addDays(to, -30)) as string;
	const rows = await ledger.query<{
		day: string;
		stage: string;
		channel: string;
		status: string;
		n: string;
	}>(
		`SELECT (coalesce(sent_at, claimed_at) AT TIME ZONE $3)::date::text AS day, stage, channel, status, count(*)::text AS n
		FROM reminders WHERE claimed_at >= ($1::date - 1) AND (coalesce(sent_at, claimed_at) AT TIME ZONE $3)::date BETWEEN $1::date AND $2::date
		GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3`,
		[from, to, zone],
	);
	const map = new Map<string, DunningVolume>();
	for (const r of rows) {
		const key = `${r.day}|${r.stage}|${r.channel}`;
		const v = map.get(key) ?? {
			day: r.day,
			stage: r.stage,
			channel: r.channel,
			sent: 0,
			failed: 0,
			uncertain: 0,
			retry: 0,
			bounced: 0,
			bounceRate: '0.0000',
		};
		const n = Number(r.n);
		if (r.status === 'sent') v.sent += n;
		else if (r.status === 'failed') v.failed += n;
		else if (r.status === 'uncertain' || r.status === 'claimed') v.uncertain += n;
		else if (r.status === 'retry') v.retry += n;
		else if (r.status === 'bounced') v.bounced += n;
		map.set(key, v);
	}
	for (const v of map.values()) {
		const base = v.sent + v.bounced;
		v.bounceRate = base ? ((v.bounced * 10000) / base / 10000).toFixed(4) : '0.0000';
	}
	return [...map.values()];
}
