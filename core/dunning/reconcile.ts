import { ReceivablesError } from '../errors';
import type { Ledger } from '../ledger';

/**
 * Deciding the reminders whose outcome is unknown (`uncertain`: the connection was lost between the SMTP DATA
 * command and the server's answer). Each is looked up by its Message-ID in the mail server's own record — a
 * delivery-status notification already processed (Process Bounce), the local mail catcher's API, or any other
 * source given — and marked sent when the record has it. What no record decides is listed for a person, who
 * marks it sent or to resend (decideUncertainReminder). Nothing here resends by itself.
 */
export interface UncertainMessage {
	messageId: string;
	stage: string;
	customerId: string;
	customerExternalId: string;
	customerName: string;
	invoiceIds: string[];
	invoiceNumbers: string[];
	recipients: string[];
	handedOverAt: string | null;
	claimedBy: string | null;
	error: string | null;
}

/** A record of what the mail server accepted. */
export interface MailRecordSource {
	name: string;
	/** The Message-IDs (as given) this record holds, each with a line of evidence. */
	find(messageIds: string[]): Promise<Map<string, string>>;
}

export type ReconcileDecision = 'sent' | 'resend' | 'review';

export interface ReconcileOutcome extends UncertainMessage {
	decision: ReconcileDecision;
	/** Which record decided and what it showed; for review, what was looked at. */
	evidence: string;
}

export interface ReconcileOptions {
	sources?: MailRecordSource[];
	/**
	 * When every source could be read and none holds the message, mark it to resend — only for records that keep
	 * every accepted message (a catcher, a BCC archive mailbox), and only for messages handed over at least
	 * `settleMinutes` ago (default 10), so a message still queued is not resent. Default off: a person decides.
	 */
	missingMeansNotSent?: boolean;
	settleMinutes?: number;
	actor?: string;
	limit?: number;
}

/** Message-IDs compared without angle brackets and case-insensitively on the domain side. */
export function normalizeMessageId(id: string): string {
	const bare = id.trim().replace(/^<|>$/g, '');
	const at = bare.lastIndexOf('@');
	return at < 0 ? bare : `${bare.slice(0, at)}@${bare.slice(at + 1).toLowerCase()}`;
}

export async function listUncertainReminders(
	ledger: Ledger,
	limit = 1000,
): Promise<UncertainMessage[]> {
	const rows = await ledger.query<{
		message_id: string;
		stage: string;
		customer_id: string;
		external_id: string;
		name: string;
		invoice_ids: string[];
		numbers: string[];
		recipients: string[];
		handed_over_at: string | null;
		claimed_by: string | null;
		error: string | null;
	}>(
		`SELECT r.message_id, r.stage, r.customer_id::text, c.external_id, c.name,
			array_agg(r.invoice_id::text ORDER BY i.number) AS invoice_ids, array_agg(i.number ORDER BY i.number) AS numbers,
			(array_agg(r.recipients))[1] AS recipients, max(r.handed_over_at)::text AS handed_over_at,
			max(r.claimed_by) AS claimed_by, max(r.error) AS error
		FROM reminders r JOIN invoices i ON i.id = r.invoice_id JOIN customers c ON c.id = r.customer_id
		WHERE r.status = 'uncertain' AND r.channel = 'email' AND r.message_id IS NOT NULL
		GROUP BY r.message_id, r.stage, r.customer_id, c.external_id, c.name
		ORDER BY max(r.claimed_at), r.message_id
		LIMIT $1`,
		[limit],
	);
	return rows.map((r) => ({
		messageId: r.message_id,
		stage: r.stage,
		customerId: r.customer_id,
		customerExternalId: r.external_id,
		customerName: r.name,
		invoiceIds: r.invoice_ids,
		invoiceNumbers: r.numbers,
		recipients: r.recipients ?? [],
		handedOverAt: r.handed_over_at,
		claimedBy: r.claimed_by,
		error: r.error,
	}));
}

/** Delivery-status notifications already read by Process Bounce (delivered, delayed or failed: the server had it). */
export function dsnSource(ledger: Ledger): MailRecordSource {
	return {
		name: 'delivery reports',
		async find(messageIds) {
			const rows = await ledger.query<{ id: string; kind: string; at: string; summary: string }>(
				`SELECT DISTINCT ON (payload->>'originalMessageId') payload->>'originalMessageId' AS id, kind, at::text, summary
				FROM history WHERE kind IN ('email_bounce', 'email_delivered') AND payload->>'originalMessageId' = ANY($1::text[])
				ORDER BY payload->>'originalMessageId', at`,
				[messageIds],
			);
			return new Map(rows.map((r) => [r.id, `delivery report of ${r.at}: ${r.summary}`]));
		},
	};
}

/**
 * The local mail catcher of `npm start` (scripts/lib/mail-catcher.mjs): GET /api/messages?messageId=… It keeps the
 * last messages only (1,000 by default): absence there is not proof.
 */
export function mailCatcherSource(baseUrl: string): MailRecordSource {
	const base = baseUrl.replace(/\/+$/, '');
	return {
		name: `mail catcher ${base}`,
		async find(messageIds) {
			const found = new Map<string, string>();
			for (const id of messageIds) {
				const response = await fetch(`${base}/api/messages?messageId=${encodeURIComponent(id)}`, {
					signal: AbortSignal.timeout(15_000),
				});
				if (!response.ok) throw new Error(`the mail catcher answered HTTP ${response.status}`);
				const list = (await response.json()) as Array<{
					id: string;
					messageId?: string | null;
					receivedAt?: string;
				}>;
				const match = list.find(
					(m) => m.messageId && normalizeMessageId(m.messageId) === normalizeMessageId(id),
				);
				if (match)
					found.set(
						id,
						`mail catcher ${base}: message ${match.id} received ${match.receivedAt ?? ''}`.trim(),
					);
			}
			return found;
		},
	};
}

function minutesSince(at: string | null): number {
	if (!at) return Infinity;
	return (
		(Date.now() - new Date(at.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00')).getTime()) / 60_000
	);
}

/** Looks every uncertain reminder up in the records and applies what they decide; lists the rest for review. */
export async function reconcileReminders(
	ledger: Ledger,
	options: ReconcileOptions = {},
): Promise<ReconcileOutcome[]> {
	const uncertain = await listUncertainReminders(ledger, options.limit ?? 1000);
	if (uncertain.length === 0) return [];
	const sources = [dsnSource(ledger), ...(options.sources ?? [])];
	const ids = uncertain.map((u) => u.messageId);
	const evidence = new Map<string, string>();
	const unreadable: string[] = [];
	for (const source of sources) {
		const pending = ids.filter((id) => !evidence.has(id));
		if (pending.length === 0) break;
		try {
			for (const [id, line] of await source.find(pending))
				if (!evidence.has(id)) evidence.set(id, line);
		} catch (error) {
			unreadable.push(`${source.name} (${(error as Error).message})`);
		}
	}
	const settle = options.settleMinutes ?? 10;
	const looked = sources.map((s) => s.name).join(', ');
	const out: ReconcileOutcome[] = [];
	for (const message of uncertain) {
		const found = evidence.get(message.messageId);
		if (found) {
			const changed = await decideUncertainReminder(ledger, {
				messageId: message.messageId,
				decision: 'sent',
				actor: options.actor ?? 'reconcile-reminders',
				note: found,
			});
			if (changed > 0) out.push({ ...message, decision: 'sent', evidence: found });
			continue;
		}
		if (
			options.missingMeansNotSent &&
			unreadable.length === 0 &&
			minutesSince(message.handedOverAt) >= settle
		) {
			const note = `not in ${looked}, handed over more than ${settle} minutes ago`;
			const changed = await decideUncertainReminder(ledger, {
				messageId: message.messageId,
				decision: 'resend',
				actor: options.actor ?? 'reconcile-reminders',
				note,
			});
			if (changed > 0) out.push({ ...message, decision: 'resend', evidence: note });
			continue;
		}
		out.push({
			...message,
			decision: 'review',
			evidence: `not found in ${looked}${unreadable.length ? `; could not read ${unreadable.join(', ')}` : ''}. Check the mail server's log or the customer's mailbox for Message-ID ${message.messageId}, then mark it sent or to resend.`,
		});
	}
	return out;
}

export interface UncertainDecision {
	messageId: string;
	decision: 'sent' | 'resend';
	actor: string;
	note?: string;
}

/**
 * A decision on an uncertain message: sent (the customer has it) or resend (the next run of the stage sends it
 * again, with a new Message-ID). Changes only reminders still uncertain; returns how many.
 */
export async function decideUncertainReminder(
	ledger: Ledger,
	decision: UncertainDecision,
): Promise<number> {
	if (decision.decision !== 'sent' && decision.decision !== 'resend') {
		throw new ReceivablesError(
			'DUNNING_BAD_DECISION',
			`"${String(decision.decision)}" is not a decision on an uncertain reminder.`,
			{ hint: 'Use "sent" or "resend".' },
		);
	}
	const actor = decision.actor.trim() || 'unknown';
	const rows = await ledger.query<{ n: string }>(
		`WITH locked AS (
			-- locked in the order claims take them (invoice, stage): two decisions at once never wait in a circle
			SELECT id FROM reminders WHERE message_id = $1 AND status = 'uncertain'
			ORDER BY invoice_id, stage
			FOR UPDATE
		), updated AS (
			UPDATE reminders SET status = CASE WHEN $2 = 'sent' THEN 'sent' ELSE 'retry' END,
				sent_at = CASE WHEN $2 = 'sent' THEN coalesce(handed_over_at, claimed_at) ELSE sent_at END,
				error = CASE WHEN $2 = 'sent' THEN NULL ELSE 'to resend, decided by ' || $3 || coalesce(': ' || $4, '') END,
				decided_by = $3, decided_at = now()
			WHERE id IN (SELECT id FROM locked) AND status = 'uncertain'
			RETURNING id, invoice_id, customer_id, stage, channel
		), logged AS (
			INSERT INTO history (customer_id, invoice_id, kind, channel, actor, summary, payload)
			SELECT u.customer_id, u.invoice_id, 'reminder_reconciled', u.channel, $3,
				'Stage ' || u.stage || ' e-mail for invoice ' || i.number || CASE WHEN $2 = 'sent' THEN ' confirmed as sent' ELSE ' marked to resend' END || coalesce(' (' || $4 || ')', ''),
				jsonb_build_object('stage', u.stage, 'messageId', $1::text, 'decision', $2::text, 'note', $4::text, 'reminderId', u.id,
					'timeline', jsonb_build_object('key', 'reminder_reconciled', 'fields', jsonb_strip_nulls(jsonb_build_object('stage', u.stage, 'invoice', i.number, 'decision', $2::text, 'note', $4::text))))
			FROM updated u JOIN invoices i ON i.id = u.invoice_id
			RETURNING 1
		)
		SELECT count(*)::text AS n FROM logged`,
		[decision.messageId.trim(), decision.decision, actor, decision.note?.trim() || null],
	);
	return Number(rows[0]?.n ?? 0);
}

/** The status of the reminders of a Message-ID (for a clear error when a decision changed nothing). */
export async function reminderStatusOf(ledger: Ledger, messageId: string): Promise<string[]> {
	const rows = await ledger.query<{ status: string }>(
		'SELECT DISTINCT status FROM reminders WHERE message_id = $1 ORDER BY status',
		[messageId.trim()],
	);
	return rows.map((r) => r.status);
}
