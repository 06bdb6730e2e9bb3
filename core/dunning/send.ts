import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { ReceivablesError, isReceivablesError } from '../errors';
import type { Ledger } from '../ledger';
import { composeMail, newMessageId, type MailAttachment } from '../mail/compose';
import { deliveryVerdict, SmtpSessionPool } from '../mail/pool';
import type { SmtpConfig } from '../mail/smtp';
import type { PlannedInvoice, PlannedMessage } from './plan';
import { renderReminder, type CompanyInfo } from './render';
import { resolveAddressList } from './plan';
import { renderInvoiceCopy } from './letters';
import { loadDeliveryProofs, proofAttachments, proofParagraph, stageShowsProof, withProofParagraph, type DeliveryProof } from './proof';

/**
 * Sending reminders exactly once. Each invoice's stage is claimed in `reminders` (UNIQUE invoice_id + stage)
 * before anything leaves, and confirmed after:
 *   - accepted by the server → sent (with the Message-ID);
 *   - 4xx, or a failure before the message body was handed over → retry (a later run claims it again);
 *   - 5xx → failed;
 *   - connection lost once the body was handed over → uncertain: never resent blindly, shown to a person.
 * A run that dies between claim and confirm leaves `claimed`; the next run turns claims older than
 * staleAfterMinutes into `uncertain`. Every exchange is appended to `history` with the hash of the exact bytes.
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
	/** Sender when the stage names none. */
	from?: { name?: string; address: string };
	company?: CompanyInfo;
	/** Constant attachments by the name the stages use (e.g. "CGV.pdf"). */
	attachments?: Record<string, MailAttachment>;
	/** Builds the copy of an invoice for stages with attachInvoiceCopy (default: a PDF duplicata from the ledger). */
	invoiceCopy?: (invoice: PlannedInvoice, message: PlannedMessage) => Promise<MailAttachment>;
	/** Who claims (shown in reminders.claimed_by); default host:pid:uuid. */
	claimedBy?: string;
	/** Claims older than this many minutes are resolved to uncertain first (default 30; negative: skip). */
	staleAfterMinutes?: number;
	/** Messages claimed and confirmed together (default 50; the next batch is claimed while one is sent). */
	batchSize?: number;
	/** Called after each batch is confirmed (progress, tests). */
	onBatch?: (outcomes: SendOutcome[]) => void;
}

export interface SendResult {
	outcomes: SendOutcome[];
	staleResolved: number;
}

export function defaultClaimant(): string {
	return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** Turns claims abandoned by a dead run into `uncertain` (never into a resend). Returns how many. */
export async function resolveStaleClaims(ledger: Ledger, olderThanMinutes: number, actor = 'reminder-step'): Promise<number> {
	const rows = await ledger.query<{ n: string }>(
		`WITH stale AS (
			UPDATE reminders SET status = 'uncertain',
				error = 'claimed by ' || coalesce(claimed_by, '?') || ' at ' || claimed_at || ' and never confirmed: check the mail server logs for Message-ID ' || coalesce(message_id, '?')
			WHERE status = 'claimed' AND claimed_at < now() - make_interval(secs => $1::double precision * 60)
			RETURNING id, invoice_id, customer_id, stage, channel, message_id, claimed_by
		), logged AS (
			INSERT INTO history (customer_id, invoice_id, kind, channel, actor, summary, payload)
			SELECT customer_id, invoice_id, 'reminder_uncertain', channel, $2,
				'Stage ' || stage || ': the run that claimed it stopped before confirming; outcome unknown',
				jsonb_build_object('stage', stage, 'messageId', message_id, 'claimedBy', claimed_by, 'reminderId', id)
			FROM stale RETURNING 1
		)
		SELECT count(*)::text AS n FROM logged`,
		[olderThanMinutes, actor],
	);
	return Number(rows[0]?.n ?? 0);
}

interface Prepared {
	message: PlannedMessage;
	messageId: string;
	invoices: PlannedInvoice[];
	skipped: string[];
	/** Courier deliveries of the claimed invoices (stages after the due date). */
	proofs?: Map<string, DeliveryProof>;
	outcome?: SendOutcome;
}

function senderOf(message: PlannedMessage, options: SendEmailOptions): { name?: string; address: string } {
	const stageSender = message.stage.sender;
	const address = stageSender?.email || options.from?.address;
	if (!address) {
		throw new ReceivablesError('DUNNING_NO_SENDER', `Stage "${message.stage.code}" of policy "${message.policy.code}" has no sender address.`, {
			hint: 'Set the sender e-mail of the Send E-mail operation, or sender.email in the stage.',
		});
	}
	return { name: stageSender?.name || options.from?.name, address };
}

function checkAttachments(messages: PlannedMessage[], options: SendEmailOptions): void {
	const available = new Set(Object.keys(options.attachments ?? {}));
	const missing = new Set<string>();
	for (const message of messages) for (const name of message.stage.attachments ?? []) if (!available.has(name)) missing.add(`${name} (stage ${message.stage.code})`);
	if (missing.size) {
		throw new ReceivablesError('DUNNING_ATTACHMENT_MISSING', `The attachments ${[...missing].join(', ')} named by the policy were not given.`, {
			hint: 'Give each file as a binary property of the input item, with that file name; nothing was sent.',
		});
	}
}

async function claim(ledger: Ledger, batch: Array<Pick<Prepared, 'message' | 'messageId'>>, claimedBy: string, channel: 'email' | 'letter'): Promise<Set<string>> {
	const rows: Array<Record<string, unknown>> = [];
	for (const p of batch) {
		for (const invoice of p.message.invoices) {
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
	if (rows.length === 0) return new Set();
	const claimed = await ledger.query<{ invoice_id: string }>(
		`INSERT INTO reminders (invoice_id, customer_id, stage, channel, status, claimed_by, claimed_at, message_id, recipients, attempts)
		SELECT x.invoice_id, x.customer_id, x.stage, $2, 'claimed', $3, now(), x.message_id, x.recipients, 1
		FROM jsonb_to_recordset($1::jsonb) AS x(invoice_id bigint, customer_id bigint, stage text, message_id text, recipients text[], paid_ok boolean)
		JOIN invoices i ON i.id = x.invoice_id
		WHERE (x.paid_ok AND i.status = 'paid') OR (NOT x.paid_ok AND i.status = 'open' AND i.open_minor > 0)
		ORDER BY x.invoice_id
		ON CONFLICT (invoice_id, stage) DO UPDATE SET status = 'claimed', claimed_by = EXCLUDED.claimed_by, claimed_at = now(),
			message_id = EXCLUDED.message_id, recipients = EXCLUDED.recipients, channel = EXCLUDED.channel,
			attempts = reminders.attempts + 1, error = NULL
		WHERE reminders.status IN ('retry', 'bounced')
		RETURNING invoice_id::text`,
		[JSON.stringify(rows), channel, claimedBy],
	);
	return new Set(claimed.map((r) => r.invoice_id));
}

/** Confirms the outcomes of a batch and appends them to the history, in one transaction. */
export async function confirmOutcomes(ledger: Ledger, outcomes: SendOutcome[], claimedBy: string, channel: 'email' | 'letter', actor = 'reminder-step'): Promise<void> {
	const updates: Array<Record<string, unknown>> = [];
	const history: Array<Record<string, unknown>> = [];
	for (const o of outcomes) {
		if (o.status === 'skipped') continue;
		for (const [index, invoiceId] of o.invoiceIds.entries()) {
			updates.push({ invoice_id: invoiceId, stage: o.stage, status: o.status, error: o.error ?? null });
			history.push({
				customer_id: o.customerId,
				invoice_id: invoiceId,
				kind: `reminder_${o.status}`,
				summary: summaryOf(o, channel, o.invoiceNumbers[index]),
				content_hash: o.contentHash ?? null,
				payload: { stage: o.stage, status: o.status, messageId: o.messageId ?? null, recipients: o.recipients, subject: o.subject ?? null, error: o.error ?? null, smtpResponse: o.smtpResponse ?? null, invoices: o.invoiceNumbers },
			});
		}
	}
	if (updates.length === 0) return;
	await ledger.transaction(async (client) => {
		await client.query(
			`UPDATE reminders r SET status = x.status, error = x.error,
				sent_at = CASE WHEN x.status = 'sent' THEN now() ELSE r.sent_at END
			FROM jsonb_to_recordset($1::jsonb) AS x(invoice_id bigint, stage text, status text, error text)
			WHERE r.invoice_id = x.invoice_id AND r.stage = x.stage AND r.claimed_by = $2 AND r.status IN ('claimed', 'uncertain')`,
			[JSON.stringify(updates), claimedBy],
		);
		await client.query(
			`INSERT INTO history (customer_id, invoice_id, kind, channel, actor, summary, content_hash, payload)
			SELECT x.customer_id, x.invoice_id, x.kind, $2, $3, x.summary, x.content_hash, x.payload
			FROM jsonb_to_recordset($1::jsonb) AS x(customer_id bigint, invoice_id bigint, kind text, summary text, content_hash text, payload jsonb)`,
			[JSON.stringify(history), channel, actor],
		);
	});
}

function summaryOf(o: SendOutcome, channel: string, number: string | undefined): string {
	const what = channel === 'letter' ? 'letter' : 'e-mail';
	switch (o.status) {
		case 'sent':
			return channel === 'letter' ? `Stage ${o.stage} letter produced for invoice ${number}` : `Stage ${o.stage} ${what} sent to ${o.recipients.join(', ')} for invoice ${number}`;
		case 'retry':
			return `Stage ${o.stage} ${what} for invoice ${number} refused for now (will retry): ${o.error ?? ''}`;
		case 'failed':
			return `Stage ${o.stage} ${what} for invoice ${number} failed: ${o.error ?? ''}`;
		default:
			return `Stage ${o.stage} ${what} for invoice ${number}: outcome unknown (${o.error ?? 'connection lost after the message was handed over'})`;
	}
}

async function runLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
	let next = 0;
	const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
		while (next < items.length) {
			const item = items[next++];
			await work(item);
		}
	});
	await Promise.all(workers);
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

async function composeFor(ledger: Ledger, p: Prepared, options: SendEmailOptions, company: CompanyInfo) {
	const message: PlannedMessage = { ...p.message, invoices: p.invoices, totalOpenMinor: p.invoices.reduce((s, i) => s + (p.message.stage.kind === 'thank_you' ? i.payableMinor : i.openMinor), 0n) };
	const proofs = p.proofs ?? new Map<string, DeliveryProof>();
	const reminder = renderReminder(message, company);
	const rendered = { ...reminder, ...withProofParagraph(reminder, proofParagraph(message.invoices, proofs, reminder.language)) };
	const attachments: MailAttachment[] = (message.stage.attachments ?? []).map((name) => (options.attachments as Record<string, MailAttachment>)[name]);
	if (message.stage.attachInvoiceCopy) {
		for (const invoice of message.invoices) attachments.push(options.invoiceCopy ? await options.invoiceCopy(invoice, message) : await renderInvoiceCopy(ledger, invoice, message, company));
	}
	attachments.push(...(await proofAttachments(message, proofs, company)));
	const replyTo = message.stage.sender?.replyTo ? resolveAddressList([message.stage.sender.replyTo], message.customer)[0] : undefined;
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

/**
 * Sends the e-mail messages of a plan (messages of other channels are ignored: letters and calls have their
 * own steps). Safe to run several times at once and after a crash: see the module comment.
 */
export async function sendReminderEmails(ledger: Ledger, messages: PlannedMessage[], options: SendEmailOptions): Promise<SendResult> {
	const emails = messages.filter((m) => m.channel === 'email');
	checkAttachments(emails, options);
	for (const m of emails) senderOf(m, options);
	const claimedBy = options.claimedBy ?? defaultClaimant();
	const staleAfter = options.staleAfterMinutes ?? 30;
	const staleResolved = staleAfter >= 0 ? await resolveStaleClaims(ledger, staleAfter) : 0;
	const company = options.company ?? { name: '' };
	const concurrency = Math.max(1, options.concurrency ?? options.smtp.maxConnections ?? 5);
	const batchSize = Math.max(1, options.batchSize ?? 50);
	const pool = new SmtpSessionPool(options.smtp, concurrency);
	const outcomes: SendOutcome[] = [];
	// Claim the next batch while this one is being sent, and confirm a batch while the next one is sent.
	const prepare = async (start: number): Promise<Prepared[]> => {
		const batch: Prepared[] = emails.slice(start, start + batchSize).map((message) => ({
			message,
			messageId: newMessageId(senderOf(message, options).address),
			invoices: [],
			skipped: [],
		}));
		const claimed = await claim(ledger, batch, claimedBy, 'email');
		for (const p of batch) {
			p.invoices = p.message.invoices.filter((i) => claimed.has(i.id));
			p.skipped = p.message.invoices.filter((i) => !claimed.has(i.id)).map((i) => i.id);
			if (p.invoices.length === 0) p.outcome = { ...baseOutcome(p, 'skipped'), messageId: undefined, error: 'already claimed by another run, sent, or paid meanwhile' };
		}
		const proofs = await loadDeliveryProofs(ledger, batch.filter((p) => !p.outcome && stageShowsProof(p.message)).flatMap((p) => p.invoices.map((i) => i.id)));
		if (proofs.size) for (const p of batch) if (stageShowsProof(p.message)) p.proofs = proofs;
		return batch;
	};
	let confirming: Promise<void> = Promise.resolve();
	try {
		let next: Promise<Prepared[]> | undefined = emails.length ? prepare(0) : undefined;
		for (let start = 0; next; start += batchSize) {
			const batch: Prepared[] = await next;
			next = start + batchSize < emails.length ? prepare(start + batchSize) : undefined;
			// a failed claim of the next batch is reported when it is awaited
			next?.catch(() => undefined);
			// twice as many composers as connections: a message is always ready when a connection frees up
			await runLimited(batch.filter((p) => !p.outcome), concurrency * 2, async (p) => {
				let composed;
				try {
					composed = await composeFor(ledger, p, options, company);
				} catch (error) {
					p.outcome = { ...baseOutcome(p, 'failed'), error: isReceivablesError(error) ? `${error.message} ${error.hint ?? ''}`.trim() : (error as Error).message };
					return;
				}
				const result = await pool.deliver(composed.composed.envelope, composed.composed.raw);
				let verdict = deliveryVerdict(result);
				let error = result.ok ? undefined : `${result.error.message}${result.phase === 'data' && verdict === 'uncertain' ? ' (after the message was handed over: it may have been delivered)' : ''}`;
				if (result.ok && result.rejected.length) {
					const refused = result.rejected.filter((r) => p.message.to.some((a) => a.toLowerCase() === r.address.toLowerCase()));
					const detail = result.rejected.map((r) => `${r.address}: ${r.response ?? 'refused'}`).join('; ');
					if (refused.length === p.message.to.length) {
						// Only copies (cc/bcc) went out: the customer did not get it.
						verdict = refused.some((r) => (r.responseCode ?? 500) >= 500) ? 'failed' : 'retry';
						error = `the customer's address was refused (${detail}); only the copies were delivered`;
					} else {
						error = `some recipients were refused: ${detail}`;
					}
				}
				p.outcome = {
					...baseOutcome(p, verdict),
					contentHash: composed.composed.contentHash,
					subject: composed.subject,
					smtpResponse: result.ok ? result.response : result.error.response,
					error,
				};
			});
			const batchOutcomes = batch.map((p) => p.outcome as SendOutcome);
			outcomes.push(...batchOutcomes);
			confirming = confirming.then(async () => {
				await confirmOutcomes(ledger, batchOutcomes, claimedBy, 'email');
				options.onBatch?.(batchOutcomes);
			});
			confirming.catch(() => undefined);
		}
		await confirming;
	} finally {
		// what was sent before a failure is still confirmed
		await confirming.catch(() => undefined);
		pool.close();
	}
	return { outcomes, staleResolved };
}

export { claim as claimReminders };
