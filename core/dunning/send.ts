import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { ReceivablesError, isReceivablesError } from '../errors';
import type { Ledger } from '../ledger';
import { composeMail, newMessageId, type MailAttachment } from '../mail/compose';
import {
	deliveryVerdict,
	SmtpSessionPool,
	type DeliveryResult,
	type RecipientRejection,
} from '../mail/pool';
import type { SmtpConfig } from '../mail/smtp';
import type { PlannedInvoice, PlannedMessage } from './plan';
import { renderReminder, type CompanyInfo } from './render';
import { companyDisplayName } from '../company/identity';
import { resolveAddressList } from './plan';
import { invoiceCopyPdf } from '../documents/invoiceCopy';
import {
	loadDeliveryProofs,
	proofAttachments,
	proofParagraph,
	stageShowsProof,
	withProofParagraph,
	type DeliveryProof,
} from './proof';
import { isLedgerUnavailable, whileLedgerUnavailable } from './retry';
import { payerLinkUrl } from '../payer/link';
import { timelineEvent } from './timeline-text';

/**
 * Sending reminders exactly once. Each reminder (row of `reminders`, UNIQUE invoice_id + stage) goes through
 * states, each committed before the next network step:
 *   claimed       — claimed by this run before its message is composed, in batches (one statement for a few
 *                   messages per SMTP session, see claimBatch): the sessions do not wait on a claim per message;
 *   handing_over  — committed before the SMTP DATA command is written: once every recipient was answered, or (a
 *                   session's next message) with the outcome of the session's previous message, as its envelope goes;
 *   sent          — the server answered 250 after the message (with its Message-ID and the server's answer);
 *   retry         — 4xx, or anything that stopped before DATA: a later run claims it again;
 *   failed        — 5xx;
 *   uncertain     — the connection was lost between DATA and the answer, or the run died between the hand-over and
 *                   the answer (a dead run's handing_over, once its lease expired): never resent by itself, decided by
 *                   Reconcile Reminders (the mail server's record) or by a person.
 * The next message waiting is composed while a session's message is in its SMTP exchange. Once the server answered
 * a message, its outcome and the hand-over of the session's next message are committed in one statement, sent as
 * the next transaction starts (MAIL FROM, RCPT TO) and awaited before its DATA: one ledger round trip per message,
 * overlapped with the envelope. The first message of a session is handed over once its recipients were answered.
 * Each session writes on its own (statements of several sessions run at once; writes asked for while they are all
 * busy go together).
 * A run that dies leaves at most the messages it held: a claim that never reached handing_over is released to
 * retry once its lease expires (a run that stops on an error gives back its unused claims at once); a message left
 * in handing_over, or answered and not yet recorded, becomes uncertain — at most one per session, since the outcome
 * of a session's message commits with the hand-over of its next one. Every exchange is appended to `history` with
 * the hash of the exact bytes.
 */
export type SendStatus = 'sent' | 'retry' | 'failed' | 'uncertain' | 'skipped';

export interface SendOutcome {
	key: string;
	status: SendStatus;
	stage: string;
	customerId: string;
	customerExternalId: string;
	invoiceIds: string[];
	invoiceNumbers: string[];
	/** Invoices of the plan that another run had already claimed (or that were paid meanwhile). */
	skippedInvoiceIds: string[];
	recipients: string[];
	messageId?: string;
	contentHash?: string;
	subject?: string;
	error?: string;
	smtpResponse?: string;
}

export interface SendEmailOptions {
	smtp: SmtpConfig;
	/** Parallel SMTP sessions (default: smtp.maxConnections or 5). */
	concurrency?: number;
	/**
	 * Messages claimed per ledger statement (default: 4 per SMTP session, at most 100). A run that dies holds at most
	 * this many claims more than its sessions were sending; they are released after the lease, never sent twice.
	 */
	claimBatch?: number;
	/** Sender when the stage names none. */
	from?: { name?: string; address: string };
	company?: CompanyInfo;
	/** Constant attachments by the name the stages use (e.g. "CGV.pdf"). */
	attachments?: Record<string, MailAttachment>;
	/** Builds the copy of an invoice for stages with attachInvoiceCopy (default: a PDF duplicata from the ledger). */
	invoiceCopy?: (invoice: PlannedInvoice, message: PlannedMessage) => Promise<MailAttachment>;
	/** Who claims (shown in reminders.claimed_by); default host:pid:uuid. */
	claimedBy?: string;
	/**
	 * Minutes a run may hold a reminder (default 10): a claim older than this that never reached handing_over is
	 * released (sent again by a later run); a message left in handing_over longer is marked uncertain. Negative:
	 * expired leases are not looked at by this run.
	 */
	leaseMinutes?: number;
	/** Seconds a state change is retried while the ledger is unreachable (default 60). */
	ledgerRetrySeconds?: number;
	/** Called after each message's outcome is committed (progress, tests). */
	onOutcome?: (outcome: SendOutcome) => void;
	/**
	 * The payer page's address (the Receivables Page Trigger's, e.g. https://n8n.example/webhook/receivables/payer):
	 * each message then carries the customer's personal signed link as {{payerLink}}. Absent: no link.
	 */
	payerPageUrl?: string;
	/** Days the links of this run stay valid (default 60). */
	payerLinkDays?: number;
}

export interface SendResult {
	outcomes: SendOutcome[];
	/** Claims of dead runs released to be sent again. */
	released: number;
	/** Messages of dead runs left between DATA and the answer, now uncertain. */
	uncertain: number;
}

export const DEFAULT_LEASE_MINUTES = 10;

export function defaultClaimant(): string {
	return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

export interface ExpiredLeases {
	/** Claims (and unconfirmed letters) given back: the next run sends or renders them again. */
	released: number;
	/** Messages left in handing_over: now uncertain. */
	uncertain: number;
}

/**
 * Ends the leases of runs that stopped (killed worker, lost connection): a claim that never reached
 * handing_over — and a letter rendered but never confirmed — goes back to `retry` (nothing left the building);
 * a message left in handing_over becomes `uncertain` (it may have been delivered). Returns how many of each.
 */
export async function releaseExpiredClaims(
	ledger: Ledger,
	leaseMinutes = DEFAULT_LEASE_MINUTES,
	actor = 'reminder-step',
): Promise<ExpiredLeases> {
	const rows = await ledger.query<{ released: string; uncertain: string }>(
		`WITH expired AS (
			-- rows locked in one order (invoice, stage), the order claims, hand-overs and confirmations take them in:
			-- two runs releasing, or a release and a run confirming, never wait on each other in a circle
			SELECT id FROM reminders
			WHERE (status IN ('claimed', 'rendered') AND coalesce(handed_over_at, claimed_at) < now() - make_interval(secs => $1::double precision * 60))
				OR (status = 'handing_over' AND handed_over_at < now() - make_interval(secs => $1::double precision * 60))
			ORDER BY invoice_id, stage
			FOR UPDATE
		), released AS (
			UPDATE reminders SET status = 'retry',
				error = CASE WHEN status = 'rendered'
					THEN 'letter rendered by ' || coalesce(claimed_by, '?') || ' at ' || claimed_at || ' and never confirmed as written or printed: rendered again'
					ELSE 'claimed by ' || coalesce(claimed_by, '?') || ' at ' || claimed_at || ' and never handed over: sent again' END
			WHERE id IN (SELECT id FROM expired)
				AND status IN ('claimed', 'rendered') AND coalesce(handed_over_at, claimed_at) < now() - make_interval(secs => $1::double precision * 60)
			RETURNING id, invoice_id, customer_id, stage, channel, message_id, claimed_by
		), lost AS (
			UPDATE reminders SET status = 'uncertain',
				error = 'handed over by ' || coalesce(claimed_by, '?') || ' at ' || handed_over_at || ' and no answer recorded: it may have been delivered (Message-ID ' || coalesce(message_id, '?') || ')'
			WHERE id IN (SELECT id FROM expired)
				AND status = 'handing_over' AND handed_over_at < now() - make_interval(secs => $1::double precision * 60)
			RETURNING id, invoice_id, customer_id, stage, channel, message_id, claimed_by
		), logged AS (
			INSERT INTO history (customer_id, invoice_id, kind, channel, actor, summary, payload)
			SELECT customer_id, invoice_id, 'reminder_released', channel, $2,
				'Stage ' || stage || ': the run that claimed it stopped before ' || CASE WHEN channel = 'letter' THEN 'the letter was confirmed' ELSE 'handing it over' END || '; released to be done again',
				jsonb_build_object('stage', stage, 'messageId', message_id, 'claimedBy', claimed_by, 'reminderId', id,
					'timeline', jsonb_build_object('key', 'reminder_released', 'fields', jsonb_build_object('stage', stage, 'channel', channel)))
			FROM released
			UNION ALL
			SELECT customer_id, invoice_id, 'reminder_uncertain', channel, $2,
				'Stage ' || stage || ': the run stopped after handing the message over and before the answer; outcome unknown',
				jsonb_build_object('stage', stage, 'messageId', message_id, 'claimedBy', claimed_by, 'reminderId', id,
					'timeline', jsonb_build_object('key', 'reminder_uncertain', 'fields', jsonb_build_object('stage', stage)))
			FROM lost
			RETURNING kind
		)
		SELECT (SELECT count(*) FROM logged WHERE kind = 'reminder_released')::text AS released,
			(SELECT count(*) FROM logged WHERE kind = 'reminder_uncertain')::text AS uncertain`,
		[leaseMinutes, actor],
	);
	return { released: Number(rows[0]?.released ?? 0), uncertain: Number(rows[0]?.uncertain ?? 0) };
}

interface Prepared {
	message: PlannedMessage;
	messageId: string;
	invoices: PlannedInvoice[];
	skipped: string[];
	/** Courier deliveries of the claimed invoices (stages after the due date). */
	proofs?: Map<string, DeliveryProof>;
	outcome?: SendOutcome;
	/** Its content, composed ahead (see contentOf). */
	content?: Promise<Composed>;
}

type Composed = Awaited<ReturnType<typeof composeFor>>;

function senderOf(
	message: PlannedMessage,
	options: SendEmailOptions,
): { name?: string; address: string } {
	const stageSender = message.stage.sender;
	const company = options.company;
	// the stage's sender, else the node's, else the company's identity (Receivables Report › Company Settings)
	const address = stageSender?.email || options.from?.address || company?.senderEmail;
	if (!address) {
		throw new ReceivablesError(
			'DUNNING_NO_SENDER',
			`Stage "${message.stage.code}" of policy "${message.policy.code}" has no sender address.`,
			{
				hint: 'Set the sender e-mail of the company (Receivables Report › Company Settings, or the "Company settings" form workflow), of the Send E-mail operation, or sender.email in the stage.',
				details: {
					messageFr: `L'étape « ${message.stage.code} » de la politique « ${message.policy.code} » n'a pas d'adresse d'expédition.`,
					hintFr:
						"Indiquez l'e-mail d'expédition de la société (Receivables Report › Company Settings, ou le formulaire « Paramètres de la société »), celui de l'opération Send E-mail, ou sender.email dans l'étape.",
				},
			},
		);
	}
	const name =
		stageSender?.name ||
		options.from?.name ||
		company?.senderName ||
		(company ? companyDisplayName(company) : '') ||
		undefined;
	return { name, address };
}

function checkAttachments(messages: PlannedMessage[], options: SendEmailOptions): void {
	const available = new Set(Object.keys(options.attachments ?? {}));
	const missing = new Set<string>();
	for (const message of messages)
		for (const name of message.stage.attachments ?? [])
			if (!available.has(name)) missing.add(`${name} (stage ${message.stage.code})`);
	if (missing.size) {
		throw new ReceivablesError(
			'DUNNING_ATTACHMENT_MISSING',
			`The attachments ${[...missing].join(', ')} named by the policy were not given.`,
			{
				hint: 'Give each file as a binary property of the input item, with that file name; nothing was sent.',
			},
		);
	}
}

/**
 * Claims the invoices of the given messages (those still due: open, or paid for thank-you stages, and not already
 * claimed, sent, uncertain or failed), in one statement for the whole batch. Idempotent for the same claimant and
 * Message-ID, so it can be retried after a lost connection. Returns, by Message-ID, the invoice ids claimed for
 * that message (a reminder named by two messages of the batch goes to the first).
 */
async function claimByMessage(
	ledger: Ledger,
	batch: Array<Pick<Prepared, 'message' | 'messageId'>>,
	claimedBy: string,
	channel: 'email' | 'letter',
): Promise<Map<string, Set<string>>> {
	const rows: Array<Record<string, unknown>> = [];
	const seen = new Set<string>();
	for (const p of batch) {
		for (const invoice of p.message.invoices) {
			// One row per reminder (invoice, stage): INSERT … ON CONFLICT cannot touch a row twice in one statement.
			const reminder = `${invoice.id}\u0000${p.message.stage.code}`;
			if (seen.has(reminder)) continue;
			seen.add(reminder);
			rows.push({
				invoice_id: invoice.id,
				customer_id: p.message.customer.id,
				stage: p.message.stage.code,
				message_id: p.messageId,
				recipients: [...p.message.to, ...p.message.cc, ...p.message.bcc],
				paid_ok: p.message.stage.kind === 'thank_you',
			});
		}
	}
	const byMessage = new Map<string, Set<string>>();
	if (rows.length === 0) return byMessage;
	const claimed = await ledger.query<{ invoice_id: string; message_id: string }>(
		{ name: 'receivables_claim_reminders' },
		`INSERT INTO reminders (invoice_id, customer_id, stage, channel, status, claimed_by, claimed_at, message_id, recipients, attempts)
		SELECT x.invoice_id, x.customer_id, x.stage, $2, 'claimed', $3, now(), x.message_id, x.recipients, 1
		FROM jsonb_to_recordset($1::jsonb) AS x(invoice_id bigint, customer_id bigint, stage text, message_id text, recipients text[], paid_ok boolean)
		JOIN invoices i ON i.id = x.invoice_id
		WHERE (x.paid_ok AND i.status = 'paid') OR (NOT x.paid_ok AND i.status = 'open' AND i.open_minor > 0)
		ORDER BY x.invoice_id
		ON CONFLICT (invoice_id, stage) DO UPDATE SET status = 'claimed', claimed_by = EXCLUDED.claimed_by, claimed_at = now(),
			message_id = EXCLUDED.message_id, recipients = EXCLUDED.recipients, channel = EXCLUDED.channel,
			attempts = reminders.attempts + CASE WHEN reminders.status = 'claimed' THEN 0 ELSE 1 END, error = NULL,
			handed_over_at = NULL, smtp_response = NULL
		WHERE reminders.status IN ('retry', 'bounced')
			OR (reminders.status = 'claimed' AND reminders.claimed_by = EXCLUDED.claimed_by AND reminders.message_id = EXCLUDED.message_id)
		RETURNING invoice_id::text, message_id`,
		[JSON.stringify(rows), channel, claimedBy],
	);
	for (const r of claimed) {
		let ids = byMessage.get(r.message_id);
		if (!ids) byMessage.set(r.message_id, (ids = new Set()));
		ids.add(r.invoice_id);
	}
	return byMessage;
}

/** Claims the invoices of the given messages (see claimByMessage); returns the invoice ids claimed. */
async function claim(
	ledger: Ledger,
	batch: Array<Pick<Prepared, 'message' | 'messageId'>>,
	claimedBy: string,
	channel: 'email' | 'letter',
): Promise<Set<string>> {
	const claimed = new Set<string>();
	for (const ids of (await claimByMessage(ledger, batch, claimedBy, channel)).values())
		for (const id of ids) claimed.add(id);
	return claimed;
}

/**
 * Gives back claims this run took and will not use (it stopped before reaching their messages): they go to
 * `retry` at once, for the next run, instead of waiting for the lease. Only claims never handed over.
 */
async function releaseUnusedClaims(
	ledger: Ledger,
	messageIds: string[],
	claimedBy: string,
	actor = 'reminder-step',
): Promise<number> {
	if (messageIds.length === 0) return 0;
	const rows = await ledger.query<{ n: string }>(
		`WITH mine AS (
			SELECT id FROM reminders WHERE message_id = ANY($1::text[]) AND claimed_by = $2 AND status = 'claimed'
			ORDER BY invoice_id, stage
			FOR UPDATE
		), released AS (
			UPDATE reminders SET status = 'retry', error = 'claimed by ' || coalesce(claimed_by, '?') || ' at ' || claimed_at || ' and not reached before the run stopped: sent again'
			WHERE id IN (SELECT id FROM mine) AND status = 'claimed'
			RETURNING id, invoice_id, customer_id, stage, channel, message_id, claimed_by
		), logged AS (
			INSERT INTO history (customer_id, invoice_id, kind, channel, actor, summary, payload)
			SELECT customer_id, invoice_id, 'reminder_released', channel, $3,
				'Stage ' || stage || ': the run that claimed it stopped before handing it over; released to be done again',
				jsonb_build_object('stage', stage, 'messageId', message_id, 'claimedBy', claimed_by, 'reminderId', id,
					'timeline', jsonb_build_object('key', 'reminder_released', 'fields', jsonb_build_object('stage', stage, 'channel', channel)))
			FROM released
			RETURNING 1
		)
		SELECT count(*)::text AS n FROM logged`,
		[messageIds, claimedBy, actor],
	);
	return Number(rows[0]?.n ?? 0);
}

/**
 * Records that a message is being handed over (just before DATA): all of its claimed reminders or none. False
 * when this run no longer holds them (its lease expired and they were released): the message must not go.
 */
export async function markHandingOver(
	ledger: Ledger,
	invoiceIds: string[],
	stage: string,
	messageId: string,
	claimedBy: string,
): Promise<boolean> {
	const rows = await ledger.query<{ id: string }>(
		`WITH mine AS (
			SELECT id FROM reminders WHERE invoice_id = ANY($1::bigint[]) AND stage = $2 AND message_id = $3 AND claimed_by = $4
				AND status IN ('claimed', 'handing_over')
			ORDER BY invoice_id
			FOR UPDATE
		)
		UPDATE reminders SET status = 'handing_over', handed_over_at = coalesce(handed_over_at, now())
		WHERE id IN (SELECT id FROM mine) AND (SELECT count(*) FROM mine) = $5
		RETURNING id::text`,
		[invoiceIds, stage, messageId, claimedBy, invoiceIds.length],
	);
	return rows.length === invoiceIds.length;
}

/** One row per invoice of each outcome (skipped ones write nothing), with its history entry. */
function outcomeRows(
	outcomes: SendOutcome[],
	channel: 'email' | 'letter',
): Array<Record<string, unknown>> {
	const rows: Array<Record<string, unknown>> = [];
	for (const o of outcomes) {
		if (o.status === 'skipped') continue;
		for (const [index, invoiceId] of o.invoiceIds.entries()) {
			const event = eventOf(o, channel, o.invoiceNumbers[index]);
			rows.push({
				invoice_id: invoiceId,
				stage: o.stage,
				status: o.status,
				error: o.error ?? null,
				smtp_response: o.smtpResponse ?? null,
				customer_id: o.customerId,
				kind: `reminder_${o.status}`,
				summary: event.summary,
				content_hash: o.contentHash ?? null,
				payload: {
					stage: o.stage,
					status: o.status,
					messageId: o.messageId ?? null,
					recipients: o.recipients,
					subject: o.subject ?? null,
					error: o.error ?? null,
					smtpResponse: o.smtpResponse ?? null,
					invoices: o.invoiceNumbers,
					timeline: event.timeline,
				},
			});
		}
	}
	return rows;
}

/** A message to mark handing_over: all of its claimed reminders or none. */
export interface HandOver {
	invoiceIds: string[];
	stage: string;
	messageId: string;
}

/**
 * confirmOutcomes and markHandingOver in one statement (one transaction): the outcomes of messages already answered
 * and the hand-over of the messages about to go. Returns the Message-IDs whose reminders this run still held and are
 * now handing_over (all of a message's reminders or none). Repeating it after a lost connection writes nothing twice.
 */
export async function recordAndHandOver(
	ledger: Ledger,
	outcomes: SendOutcome[],
	handOvers: HandOver[],
	claimedBy: string,
	channel: 'email' | 'letter',
	actor = 'reminder-step',
): Promise<Set<string>> {
	if (handOvers.length === 0) {
		await confirmOutcomes(ledger, outcomes, claimedBy, channel, actor);
		return new Set();
	}
	const rows = outcomeRows(outcomes, channel);
	const wanted = handOvers.flatMap((h) =>
		h.invoiceIds.map((invoiceId) => ({
			invoice_id: invoiceId,
			stage: h.stage,
			message_id: h.messageId,
			expected: h.invoiceIds.length,
		})),
	);
	const held = await ledger.query<{ message_id: string }>(
		{ name: 'receivables_record_and_hand_over' },
		`WITH x AS (
			SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(invoice_id bigint, stage text, status text, error text, smtp_response text,
				customer_id bigint, kind text, summary text, content_hash text, payload jsonb)
		), h AS (
			SELECT * FROM jsonb_to_recordset($5::jsonb) AS h(invoice_id bigint, stage text, message_id text, expected int)
		), keys AS (
			SELECT invoice_id, stage FROM x UNION SELECT invoice_id, stage FROM h
		), locked AS (
			-- rows locked in one order (invoice, stage), the order claims take them in: two runs never wait on each other in a circle
			SELECT r.id, r.invoice_id, r.stage, r.message_id, r.status FROM reminders r JOIN keys k ON r.invoice_id = k.invoice_id AND r.stage = k.stage
			WHERE r.claimed_by = $2 AND r.status IN ('claimed', 'handing_over', 'rendered', 'uncertain')
			ORDER BY r.invoice_id, r.stage
			FOR UPDATE OF r
		), updated AS (
			UPDATE reminders r SET status = x.status, error = x.error, smtp_response = coalesce(x.smtp_response, r.smtp_response),
				sent_at = CASE WHEN x.status = 'sent' THEN now() ELSE r.sent_at END
			FROM x
			WHERE r.id IN (SELECT id FROM locked) AND r.invoice_id = x.invoice_id AND r.stage = x.stage AND r.claimed_by = $2
				AND r.status IN ('claimed', 'handing_over', 'rendered', 'uncertain') AND r.status <> x.status
			RETURNING r.invoice_id, r.stage
		), logged AS (
			INSERT INTO history (customer_id, invoice_id, kind, channel, actor, summary, content_hash, payload)
			SELECT x.customer_id, x.invoice_id, x.kind, $3, $4, x.summary, x.content_hash, x.payload
			FROM x JOIN updated u ON u.invoice_id = x.invoice_id AND u.stage = x.stage
			RETURNING 1
		), complete AS (
			SELECT h.message_id FROM h JOIN locked l ON l.invoice_id = h.invoice_id AND l.stage = h.stage AND l.message_id = h.message_id
				AND l.status IN ('claimed', 'handing_over')
			GROUP BY h.message_id HAVING count(*) = min(h.expected)
		), handed AS (
			UPDATE reminders r SET status = 'handing_over', handed_over_at = coalesce(r.handed_over_at, now())
			FROM h
			WHERE r.id IN (SELECT id FROM locked) AND r.invoice_id = h.invoice_id AND r.stage = h.stage AND r.message_id = h.message_id
				AND r.status IN ('claimed', 'handing_over') AND h.message_id IN (SELECT message_id FROM complete)
			RETURNING h.message_id
		)
		SELECT DISTINCT message_id FROM handed`,
		[JSON.stringify(rows), claimedBy, channel, actor, JSON.stringify(wanted)],
	);
	return new Set(held.map((r) => r.message_id));
}

/**
 * Confirms outcomes and appends them to the history, in one statement: only reminders still held by this claimant
 * in an unsettled state change (so a repeat after a lost connection writes nothing twice).
 */
export async function confirmOutcomes(
	ledger: Ledger,
	outcomes: SendOutcome[],
	claimedBy: string,
	channel: 'email' | 'letter',
	actor = 'reminder-step',
): Promise<void> {
	const rows = outcomeRows(outcomes, channel);
	if (rows.length === 0) return;
	await ledger.query(
		`WITH x AS (
			SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(invoice_id bigint, stage text, status text, error text, smtp_response text,
				customer_id bigint, kind text, summary text, content_hash text, payload jsonb)
		), locked AS (
			-- rows locked in one order (invoice, stage), the order claims take them in: two runs never wait on each other in a circle
			SELECT r.id FROM reminders r JOIN x ON r.invoice_id = x.invoice_id AND r.stage = x.stage
			WHERE r.claimed_by = $2 AND r.status IN ('claimed', 'handing_over', 'rendered', 'uncertain') AND r.status <> x.status
			ORDER BY r.invoice_id, r.stage
			FOR UPDATE OF r
		), updated AS (
			UPDATE reminders r SET status = x.status, error = x.error, smtp_response = coalesce(x.smtp_response, r.smtp_response),
				sent_at = CASE WHEN x.status = 'sent' THEN now() ELSE r.sent_at END
			FROM x
			WHERE r.id IN (SELECT id FROM locked) AND r.invoice_id = x.invoice_id AND r.stage = x.stage AND r.claimed_by = $2
				AND r.status IN ('claimed', 'handing_over', 'rendered', 'uncertain') AND r.status <> x.status
			RETURNING r.invoice_id, r.stage
		)
		INSERT INTO history (customer_id, invoice_id, kind, channel, actor, summary, content_hash, payload)
		SELECT x.customer_id, x.invoice_id, x.kind, $3, $4, x.summary, x.content_hash, x.payload
		FROM x JOIN updated u ON u.invoice_id = x.invoice_id AND u.stage = x.stage`,
		[JSON.stringify(rows), claimedBy, channel, actor],
	);
}

function eventOf(
	o: SendOutcome,
	channel: string,
	number: string | undefined,
): ReturnType<typeof timelineEvent> {
	const base = { stage: o.stage, invoice: number ?? '' };
	switch (o.status) {
		case 'sent':
			return channel === 'letter'
				? timelineEvent('reminder_letter_produced', base)
				: timelineEvent('reminder_email_sent', { ...base, recipients: o.recipients });
		case 'retry':
			return timelineEvent('reminder_retry', { ...base, channel, error: o.error ?? '' });
		case 'failed':
			return timelineEvent('reminder_failed', { ...base, channel, error: o.error ?? '' });
		default:
			return timelineEvent('reminder_outcome_unknown', {
				...base,
				channel,
				error: o.error || undefined,
			});
	}
}

/** Runs `work` on the items with at most `limit` at once; the first error stops taking new items and is thrown. */
export async function runLimited<T>(
	items: T[],
	limit: number,
	work: (item: T) => Promise<void>,
): Promise<void> {
	let next = 0;
	let failed = false;
	const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
		while (!failed && next < items.length) {
			const item = items[next++];
			try {
				await work(item);
			} catch (error) {
				failed = true;
				// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the core is free of n8n: nodes convert its errors (nodes/shared/errors.ts)
				throw error;
			}
		}
	});
	const results = await Promise.allSettled(workers);
	const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
	if (rejected) throw rejected.reason;
}

function baseOutcome(p: Prepared, status: SendStatus): SendOutcome {
	return {
		key: p.message.key,
		status,
		stage: p.message.stage.code,
		customerId: p.message.customer.id,
		customerExternalId: p.message.customer.externalId,
		invoiceIds: p.invoices.map((i) => i.id),
		invoiceNumbers: p.invoices.map((i) => i.number),
		skippedInvoiceIds: p.skipped,
		recipients: [...p.message.to, ...p.message.cc, ...p.message.bcc],
		messageId: p.messageId,
	};
}

async function composeFor(
	ledger: Ledger,
	p: Prepared,
	options: SendEmailOptions,
	company: CompanyInfo,
) {
	const message: PlannedMessage = {
		...p.message,
		invoices: p.invoices,
		totalOpenMinor: p.invoices.reduce(
			(s, i) => s + (p.message.stage.kind === 'thank_you' ? i.payableMinor : i.openMinor),
			0n,
		),
	};
	const proofs = p.proofs ?? new Map<string, DeliveryProof>();
	const payerLink = options.payerPageUrl
		? await payerLinkUrl(ledger, message.customer.externalId, options.payerPageUrl, {
				ttlDays: options.payerLinkDays,
			})
		: undefined;
	const reminder = renderReminder(message, company, { payerLink });
	const rendered = {
		...reminder,
		...withProofParagraph(reminder, proofParagraph(message.invoices, proofs, reminder.language)),
	};
	const attachments: MailAttachment[] = (message.stage.attachments ?? []).map(
		(name) => (options.attachments as Record<string, MailAttachment>)[name],
	);
	if (message.stage.attachInvoiceCopy) {
		for (const invoice of message.invoices)
			attachments.push(
				options.invoiceCopy
					? await options.invoiceCopy(invoice, message)
					: await invoiceCopyPdf(ledger, invoice, message.customer, company),
			);
	}
	attachments.push(...(await proofAttachments(message, proofs, company)));
	const replyTo = message.stage.sender?.replyTo
		? resolveAddressList([message.stage.sender.replyTo], message.customer)[0]
		: undefined;
	const composed = await composeMail({
		from: senderOf(message, options),
		replyTo,
		to: message.to.map((address) => ({ name: message.customer.name, address })),
		cc: message.cc,
		bcc: message.bcc,
		subject: rendered.subject,
		text: rendered.text,
		html: rendered.html,
		language: rendered.language,
		attachments,
		messageId: p.messageId,
		headers: {
			'Auto-Submitted': 'auto-generated',
			'X-Receivables-Stage': message.stage.code,
			'X-Receivables-Invoices': message.invoices.map((i) => i.number).join(', '),
		},
	});
	return { composed, subject: rendered.subject };
}

/** The customer's own addresses (To) that the server refused at RCPT, when all of them were. */
function refusedCustomer(
	message: PlannedMessage,
	rejected: RecipientRejection[],
): RecipientRejection[] | undefined {
	const refused = rejected.filter((r) =>
		message.to.some((a) => a.toLowerCase() === r.address.toLowerCase()),
	);
	return refused.length > 0 && refused.length === message.to.length ? refused : undefined;
}

function describeRejections(rejected: RecipientRejection[]): string {
	return rejected.map((r) => `${r.address}: ${r.response ?? 'refused'}`).join('; ');
}

/**
 * Sends the e-mail messages of a plan (messages of other channels are ignored: letters and calls have their
 * own steps). Safe to run several times at once and after a crash: see the module comment.
 */
export async function sendReminderEmails(
	ledger: Ledger,
	messages: PlannedMessage[],
	options: SendEmailOptions,
): Promise<SendResult> {
	const emails = messages.filter((m) => m.channel === 'email');
	checkAttachments(emails, options);
	for (const m of emails) senderOf(m, options);
	const claimedBy = options.claimedBy ?? defaultClaimant();
	const lease = options.leaseMinutes ?? DEFAULT_LEASE_MINUTES;
	const retrySeconds = options.ledgerRetrySeconds ?? 60;
	const durably = <T>(work: () => Promise<T>) => whileLedgerUnavailable(work, retrySeconds);
	const expired =
		lease >= 0
			? await durably(() => releaseExpiredClaims(ledger, lease))
			: { released: 0, uncertain: 0 };
	const company = options.company ?? { name: '' };
	const concurrency = Math.max(1, options.concurrency ?? options.smtp.maxConnections ?? 5);
	const pool = new SmtpSessionPool(options.smtp, concurrency);
	const outcomes: SendOutcome[] = [];
	// The ledger writes of the sessions (recordAndHandOver: outcomes and hand-overs in one statement). A session asks
	// for its next write only once its previous one is committed (it waits for its hand-over before DATA, and for
	// its last outcome at the end), so its writes commit in the order it asked for them; writes asked for while
	// every writer is busy go together in the next statement.
	interface Write {
		outcome?: SendOutcome;
		handOver?: Prepared;
		done: (held: boolean) => void;
		failed: (error: unknown) => void;
	}
	const toWrite: Write[] = [];
	let writers = 0;
	// a session has at most one write in flight (it waits for its hand-over before DATA): one writer per session
	// lets each write go at once; writes asked for while the writers are busy go together
	const maxWriters = concurrency;
	let writeFailure: unknown;
	const writeAll = async (): Promise<void> => {
		writers++;
		try {
			while (toWrite.length && !writeFailure) {
				const group = toWrite.splice(0);
				let held: Set<string>;
				try {
					held = await durably(() =>
						recordAndHandOver(
							ledger,
							group.flatMap((g) => (g.outcome ? [g.outcome] : [])),
							group.flatMap((g) =>
								g.handOver
									? [
											{
												invoiceIds: g.handOver.invoices.map((i) => i.id),
												stage: g.handOver.message.stage.code,
												messageId: g.handOver.messageId,
											},
										]
									: [],
							),
							claimedBy,
							'email',
						),
					);
				} catch (error) {
					writeFailure = error;
					for (const g of [...group, ...toWrite.splice(0)]) g.failed(error);
					return;
				}
				for (const g of group) {
					if (g.outcome) {
						outcomes.push(g.outcome);
						options.onOutcome?.(g.outcome);
					}
					g.done(g.handOver ? held.has(g.handOver.messageId) : true);
				}
			}
		} finally {
			writers--;
		}
	};
	/** Queues a write; `start` false leaves it for the next write asked for in the same tick (one statement for both). */
	const queueWrite = (write: Omit<Write, 'done' | 'failed'>, start = true): Promise<boolean> => {
		if (writeFailure) return Promise.reject(writeFailure);
		return new Promise<boolean>((done, failed) => {
			toWrite.push({ ...write, done, failed });
			if (start && writers < maxWriters) void writeAll();
		});
	};
	const settle = (p: Prepared, outcome: SendOutcome): Promise<void> => {
		p.outcome = outcome;
		return queueWrite({ outcome }).then(() => undefined);
	};
	// Claims go in batches (one statement for claimBatch messages), taken when the sessions have used the previous
	// batch: the sessions do not wait on a claim per message.
	const claimBatch = Math.max(
		1,
		Math.min(options.claimBatch ?? Math.min(100, concurrency * 4), 1000),
	);
	const ready: Prepared[] = [];
	let nextToClaim = 0;
	let claiming: Promise<void> | undefined;
	/** Messages claimed by this run and not yet taken by a session (given back if the run stops). */
	const unused = new Set<Prepared>();
	const claimNext = async (): Promise<void> => {
		const chunk = emails.slice(nextToClaim, nextToClaim + claimBatch).map(
			(message): Prepared => ({
				message,
				messageId: newMessageId(senderOf(message, options).address),
				invoices: [],
				skipped: [],
			}),
		);
		nextToClaim += chunk.length;
		const claimed = await durably(() => claimByMessage(ledger, chunk, claimedBy, 'email'));
		for (const p of chunk) {
			const mine = claimed.get(p.messageId);
			p.invoices = mine ? p.message.invoices.filter((i) => mine.has(i.id)) : [];
			p.skipped = p.message.invoices.filter((i) => !mine?.has(i.id)).map((i) => i.id);
			ready.push(p);
			if (p.invoices.length) unused.add(p);
		}
	};
	/**
	 * A claimed message's content (proofs, payer link, rendering, MIME), started ahead: when a session takes a
	 * message, the next one waiting is composed while this one is in its SMTP exchange. It stays claimed (and is
	 * given back if the run stops) until a session takes it.
	 */
	const contentOf = (p: Prepared): Promise<Composed> => {
		if (!p.content) {
			p.content = (async () => {
				if (stageShowsProof(p.message)) {
					const proofs = await durably(() =>
						loadDeliveryProofs(
							ledger,
							p.invoices.map((i) => i.id),
						),
					);
					if (proofs.size) p.proofs = proofs;
				}
				return await composeFor(ledger, p, options, company);
			})();
			// read by the session that takes the message; an error is handled there
			p.content.catch(() => undefined);
		}
		return p.content;
	};
	let stopped = false;
	const take = async (): Promise<Prepared | undefined> => {
		while (!stopped && ready.length === 0 && nextToClaim < emails.length) {
			claiming ??= claimNext().finally(() => {
				claiming = undefined;
			});
			await claiming;
		}
		if (stopped) return undefined;
		const p = ready.shift();
		if (p) {
			unused.delete(p);
			if (p.invoices.length) void contentOf(p);
		}
		const following = ready.find((q) => q.invoices.length > 0 && !q.content);
		if (following) void contentOf(following);
		return p;
	};
	try {
		await runLimited(
			Array.from({ length: Math.min(concurrency, emails.length) }, (_v, session) => session),
			concurrency,
			async () => {
				// Each session keeps its outcomes in order and at most one message whose state is not settled: the
				// outcome of a message answered by the server is committed in the same statement as the hand-over of the
				// session's next message (asked for as soon as the answer came, while the next transaction starts), or
				// before it; the first message of a session is handed over once its recipients were answered.
				let recording: Promise<void> | undefined;
				let failure: unknown;
				const recorded = async (): Promise<void> => {
					if (failure) throw failure;
					const pending = recording;
					if (!pending) return;
					try {
						await pending;
					} catch (error) {
						failure = error;
						// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the core is free of n8n: nodes convert its errors (nodes/shared/errors.ts)
						throw error;
					} finally {
						if (recording === pending) recording = undefined;
					}
				};
				const record = (p: Prepared, outcome: SendOutcome): void => {
					// queued in order: this connection's outcomes are written in the order its messages went
					const previous = recording;
					const written = settle(p, outcome);
					recording = (async () => {
						if (previous) await previous;
						await written;
					})();
					written.catch(() => undefined);
					// awaited before the next hand-over or at the end of the session: a failure surfaces there
					recording.catch(() => undefined);
				};
				try {
					let p = await take();
					let handedOver: Promise<boolean> | undefined;
					while (p) {
						const outcome = await sendOne(p, handedOver, recorded);
						if (failure) throw failure;
						handedOver = undefined;
						let next: Prepared | undefined;
						try {
							next = await take();
							if (outcome && next?.invoices.length) {
								// the next message's hand-over goes in the statement that records this outcome
								const composed = await contentOf(next).then(
									() => true,
									() => false,
								);
								if (composed && !stopped) {
									handedOver = queueWrite({ handOver: next }, false);
									handedOver.catch(() => undefined);
								}
							}
						} finally {
							if (outcome) record(p, outcome);
						}
						p = next;
					}
					await recorded();
				} catch (error) {
					stopped = true;
					await recording?.catch(() => undefined);
					// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the core is free of n8n: nodes convert its errors (nodes/shared/errors.ts)
					throw error;
				}
			},
		);
	} catch (error) {
		// Claims taken ahead and never reached go back at once (best effort: otherwise their lease releases them).
		await claiming?.catch(() => undefined);
		await releaseUnusedClaims(
			ledger,
			[...unused].map((p) => p.messageId),
			claimedBy,
		).catch(() => undefined);
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the core is free of n8n: nodes convert its errors (nodes/shared/errors.ts)
		throw error;
	} finally {
		pool.close();
	}

	/**
	 * Sends one message; returns the outcome to record (the caller records it, with the next message's hand-over),
	 * or nothing when there is none to record (skipped). `handedOver`: its hand-over, already asked for.
	 */
	async function sendOne(
		p: Prepared,
		handedOver: Promise<boolean> | undefined,
		recorded: () => Promise<void>,
	): Promise<SendOutcome | undefined> {
		const message = p.message;
		if (p.invoices.length === 0) {
			const skipped = {
				...baseOutcome(p, 'skipped'),
				messageId: undefined,
				error: 'already claimed by another run, sent, or paid meanwhile',
			};
			p.outcome = skipped;
			outcomes.push(skipped);
			options.onOutcome?.(skipped);
			return undefined;
		}
		let composed: Composed;
		try {
			composed = await contentOf(p);
		} catch (error) {
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the core is free of n8n: nodes convert its errors (nodes/shared/errors.ts)
			if (isLedgerUnavailable(error)) throw error;
			return {
				...baseOutcome(p, 'failed'),
				error: isReceivablesError(error)
					? `${error.message} ${error.hint ?? ''}`.trim()
					: (error as Error).message,
			};
		}
		let refusedBeforeData: RecipientRejection[] | undefined;
		// handing over: committed before DATA — with the outcome of this session's previous message while this
		// transaction starts, or (a session's first message) once every recipient was answered
		const result: DeliveryResult = await pool.deliver(
			composed.composed.envelope,
			composed.composed.raw,
			async ({ rejected }) => {
				await recorded();
				const early = handedOver ? await handedOver : undefined;
				refusedBeforeData = refusedCustomer(message, rejected);
				if (refusedBeforeData)
					return `the customer's address was refused (${describeRejections(refusedBeforeData)}); nothing was sent`;
				const held = early ?? (await (handedOver = queueWrite({ handOver: p })));
				return held
					? true
					: 'this run no longer holds the reminder (its lease expired): nothing was sent';
			},
		);
		// a failure to record the previous outcome (ledger unreachable) stops the run here: nothing of this message was sent
		await recorded();
		const base = {
			...baseOutcome(p, 'sent'),
			contentHash: composed.composed.contentHash,
			subject: composed.subject,
		};
		if (!result.ok && result.stopped) {
			if (refusedBeforeData) {
				const verdict = refusedBeforeData.some((r) => (r.responseCode ?? 500) >= 500)
					? 'failed'
					: 'retry';
				return {
					...base,
					status: verdict,
					error: result.stopped,
					smtpResponse: refusedBeforeData.map((r) => r.response ?? '').join('; '),
				};
			} else if (/lease expired/.test(result.stopped)) {
				const lost = { ...base, status: 'skipped' as const, error: result.stopped };
				p.outcome = lost;
				outcomes.push(lost);
				options.onOutcome?.(lost);
				return undefined;
			} else {
				// the hand-over could not be recorded (ledger unreachable): the claim stays and its lease releases it
				throw new ReceivablesError(
					'DUNNING_LEDGER_UNAVAILABLE',
					`The ledger could not record that the reminder to ${message.customer.externalId} was being handed over: ${result.stopped}`,
					{
						hint: 'Nothing was sent for this message. Run the step again once the database answers; its claim is released after the lease.',
					},
				);
			}
		}
		const verdict = deliveryVerdict(result);
		let error = result.ok
			? undefined
			: `${result.error.message}${result.phase === 'data' && verdict === 'uncertain' ? ' (after the message was handed over: it may have been delivered)' : ''}`;
		if (result.ok && result.rejected.length)
			error = `some recipients were refused: ${describeRejections(result.rejected)}`;
		return {
			...base,
			status: verdict,
			smtpResponse: result.ok ? result.response : result.error.response,
			error,
		};
	}
	const order = new Map(emails.map((m, index) => [m.key, index]));
	outcomes.sort((a, b) => (order.get(a.key) ?? 0) - (order.get(b.key) ?? 0));
	return { outcomes, released: expired.released, uncertain: expired.uncertain };
}

export { claim as claimReminders };
