import { simpleParser, type ParsedMail } from 'mailparser';
import type { Ledger } from '../ledger';
import { timelineEvent } from './timeline-text';

/**
 * Bounces, delivery status notifications (RFC 3464), auto-replies (RFC 3834), complaint reports (ARF) and
 * provider notifications (Amazon SES JSON): what happened to which recipient, and whether the address is dead
 * (hard bounce) or the problem is temporary or on the sender's side (soft).
 */
export type BounceReason =
	| 'user_unknown'
	| 'domain_unknown'
	| 'moved'
	| 'mailbox_full'
	| 'suspended'
	| 'expired'
	| 'filtered'
	| 'blocked'
	| 'spam'
	| 'sender_rejected'
	| 'policy'
	| 'too_big'
	| 'system_error'
	| 'network_error'
	| 'security_error'
	| 'unknown';

export type ReportKind = 'bounce' | 'auto_reply' | 'delivered' | 'complaint' | 'other';

/** Sisimai's reason names → ours (for comparing with Sisimai's test data and for people who know it). */
export const SISIMAI_REASONS: Record<
	string,
	BounceReason | 'auto_reply' | 'delivered' | 'complaint'
> = {
	userunknown: 'user_unknown',
	hostunknown: 'domain_unknown',
	hasmoved: 'moved',
	mailboxfull: 'mailbox_full',
	suspend: 'suspended',
	expired: 'expired',
	filtered: 'filtered',
	blocked: 'blocked',
	spamdetected: 'spam',
	rejected: 'sender_rejected',
	policyviolation: 'policy',
	mesgtoobig: 'too_big',
	exceedlimit: 'too_big',
	systemerror: 'system_error',
	networkerror: 'network_error',
	securityerror: 'security_error',
	vacation: 'auto_reply',
	delivered: 'delivered',
	feedback: 'complaint',
	undefined: 'unknown',
};

/** Addresses that no longer exist: stop e-mailing, switch the customer to letters. */
export const HARD_REASONS: BounceReason[] = ['user_unknown', 'domain_unknown', 'moved'];

export interface BounceRecipient {
	address: string | null;
	/** DSN status, e.g. 5.1.1. */
	status: string | null;
	replyCode: number | null;
	reason: BounceReason | 'auto_reply' | 'delivered' | 'complaint';
	hard: boolean;
	diagnostic: string;
}

export interface BounceReport {
	kind: ReportKind;
	recipients: BounceRecipient[];
	/** Message-ID of the message that bounced, when the report carries it. */
	originalMessageId: string | null;
	subject: string;
	from: string;
	feedbackType?: string;
}

/** Checked in this order: the first match names the reason. */
const PATTERNS: Array<[BounceReason, RegExp]> = [
	[
		'too_big',
		/message (size )?(is )?too (big|large)|message size exceeds|exceeds? (the )?(maximum )?(message )?size|size limit|message file too big|line (length )?limit exceeded|mesgtoobig/i,
	],
	[
		'mailbox_full',
		/mailbox (is )?full|quota (exceeded|full)|over ?quota|exceeded (storage|quota)|insufficient (disk )?space|mailbox size limit|full mailbox|user'?s? (disk )?quota/i,
	],
	[
		'expired',
		/expired|too long in (the )?queue|delivery time (expired|exceeded)|retry time(out)? (not reached|exceeded)|message timed out|could not be delivered within|giving up|gave up/i,
	],
	[
		'suspended',
		/mailbox (is )?(frozen|disabled|suspended|inactive|locked)|account (has been |is )?(disabled|suspended|deactivated|frozen|inactive)|recipient suspended|inactive (user|account)/i,
	],
	[
		'moved',
		/no longer on (this )?server|(address|recipient|user) has (moved|changed)|has been (moved|relocated)|changed (his|her|their) address/i,
	],
	[
		'spam',
		/scored as spam|spam (detected|message|content)|message (looks|considered|classified) (like|as) spam|content looks like spam|rejected as spam|spamhaus policy|\bspam\b.*(reject|block|refus)/i,
	],
	[
		'policy',
		/protocol violation|policy (violation|reasons)|violates? (our |the )?policy|message rejected for policy|dmarc policy/i,
	],
	[
		'sender_rejected',
		/sender address rejected|domain of sender address|sender (domain|address) (must|does not|is not)|from address (rejected|not allowed)|5\.1\.[78]\b/i,
	],
	[
		'security_error',
		/access denied|authentication (is )?(required|failed)|not authori[sz]ed|unauthenticated|must issue a starttls|tls (is )?required|encryption required|spf (check )?fail|dkim (check )?fail/i,
	],
	[
		'blocked',
		/invalid ip for sending|(ip|address|host|client).{0,40}(blocked|blacklisted|blocklisted|listed in|not permitted|refused)|blocked (by|using|because)|\b(rbl|dnsbl)\b|client host rejected|connection refused by|your ip|not allowed to send/i,
	],
	[
		'network_error',
		/malformed (or unexpected )?name server reply|host not found, try again|no route to host|host is unreachable|mail (forwarding )?loop|too many hops|hop count exceeded|routing loop|unable to resolve route|could not connect and send|dns records for the destination computer could not be found/i,
	],
	[
		'domain_unknown',
		/host or domain name not found|host unknown|unknown host|domain (is )?not (reachable|found)|domain (name )?does not exist|no such domain|unroutable|unrouteable|name or service not known|recipient domain must exist|unknown domain/i,
	],
	[
		'user_unknown',
		/user (is )?unknown|unknown (or illegal )?(user|recipient|local part|mailbox)|no such (user|mailbox|recipient|account|address)|recipient (address )?rejected|address rejected|recip(ient)?notfound|recipient not found|mailbox (is )?unavailable|mailbox not found|(user|mailbox|address|recipient|account) (does not|doesn't) exist|invalid (recipient|mailbox|address)|couldn'?t be found|not a valid (recipient|mailbox|user)|user not found|no mailbox here/i,
	],
	[
		'system_error',
		/insufficient permission|system (error|config)|local (delivery )?error|internal (server )?error|configuration error|temporary local problem|i\/o error/i,
	],
	[
		'filtered',
		/filtered|content (rejected|refused)|rejected due to content|message content rejected|header (rejected|error)/i,
	],
];

/** DSN status → reason, when the text says nothing recognisable (RFC 3463 meanings). */
const STATUS_REASONS: Record<string, BounceReason> = {
	'5.1.0': 'user_unknown',
	'5.1.1': 'user_unknown',
	'5.1.10': 'user_unknown',
	'5.1.2': 'domain_unknown',
	'5.1.3': 'user_unknown',
	'5.1.6': 'moved',
	'5.1.7': 'sender_rejected',
	'5.1.8': 'sender_rejected',
	'5.2.1': 'suspended',
	'5.2.2': 'mailbox_full',
	'4.2.2': 'mailbox_full',
	'5.2.3': 'too_big',
	'5.3.4': 'too_big',
	'5.3.0': 'system_error',
	'5.3.5': 'system_error',
	'5.4.4': 'domain_unknown',
	'5.4.6': 'network_error',
	'4.4.6': 'network_error',
	'5.4.7': 'expired',
	'4.4.7': 'expired',
	'5.6.0': 'filtered',
	'5.7.1': 'security_error',
	'5.7.0': 'security_error',
};

const STATUS = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/;
const EMAIL = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;

function patternReason(text: string): BounceReason | undefined {
	for (const [name, pattern] of PATTERNS) if (pattern.test(text)) return name;
	return undefined;
}

/**
 * The reason of one failed recipient: the server's own answer (DSN Diagnostic-Code) first, then the DSN
 * status, then the surrounding human-readable text.
 */
export function reasonOf(
	diagnostic: string,
	status: string | null,
	context: string,
	afterData: boolean,
): BounceReason {
	const reason =
		patternReason(diagnostic) ??
		(status ? STATUS_REASONS[status] : undefined) ??
		patternReason(context) ??
		'unknown';
	// A "user unknown" answered to the message content (after DATA) is a content filter, not a dead address.
	if (reason === 'user_unknown' && afterData) return 'filtered';
	return reason;
}

interface DsnBlock {
	fields: Record<string, string>;
}

/** The per-recipient field groups of a message/delivery-status part (or of DSN text found in the body). */
function dsnBlocks(text: string): DsnBlock[] {
	const blocks: DsnBlock[] = [];
	const unfolded = text.replace(/\r\n/g, '\n').replace(/\n[ \t]+/g, ' ');
	for (const chunk of unfolded.split(/\n\s*\n/)) {
		const fields: Record<string, string> = {};
		for (const line of chunk.split('\n')) {
			const m = line.match(/^([A-Za-z][A-Za-z-]*):\s*(.*)$/);
			if (m) fields[m[1].toLowerCase()] = m[2].trim();
		}
		if (fields['final-recipient'] || (fields['original-recipient'] && fields.action))
			blocks.push({ fields });
	}
	return blocks;
}

function addressOf(field: string | undefined): string | null {
	if (!field) return null;
	const m = field.match(EMAIL);
	return m ? m[0].toLowerCase() : null;
}

/** The lines of a human-readable bounce that talk about one recipient (Postfix: "<addr>: host … said: …"). */
function paragraphAbout(text: string, address: string | null): string {
	if (!address) return '';
	const lower = text.toLowerCase();
	const at =
		lower.indexOf(`<${address}>:`) >= 0
			? lower.indexOf(`<${address}>:`)
			: lower.indexOf(`${address}:`);
	if (at < 0) return '';
	const end = text.indexOf('\n\n', at);
	return text.slice(at, end < 0 ? at + 600 : end);
}

function replyCodeOf(text: string): number | null {
	const m = text.match(/(?:^|[\s;:'"(])([245]\d\d)(?=[\s-])/);
	return m ? Number(m[1]) : null;
}

/** The most precise status in a text: the one the remote server wrote after its reply code, else the first. */
function statusIn(text: string): string | null {
	const afterCode = text.match(/\b[245]\d\d[ -]'?([245]\.\d{1,3}\.\d{1,3})\b/);
	return afterCode?.[1] ?? text.match(STATUS)?.[0] ?? null;
}

function recipient(
	address: string | null,
	status: string | null,
	diagnostic: string,
	context: string,
	gaveUp = false,
): BounceRecipient {
	const afterData = /in reply to (end of )?data|after (end of )?data|during data/i.test(
		`${diagnostic}\n${context}`,
	);
	let reason = reasonOf(diagnostic, status, context, afterData);
	// "Action: failed" with a temporary status: the sending server gave up retrying.
	if (
		gaveUp &&
		(reason === 'unknown' || reason === 'network_error' || reason === 'blocked') &&
		!/malformed|loop|hops/i.test(diagnostic)
	)
		reason = 'expired';
	return {
		address,
		status,
		replyCode: replyCodeOf(diagnostic) ?? replyCodeOf(context),
		reason,
		hard: HARD_REASONS.includes(reason),
		diagnostic: diagnostic.trim().slice(0, 500),
	};
}

function headerText(parsed: ParsedMail, name: string): string {
	const value = parsed.headers.get(name);
	if (!value) return '';
	if (typeof value === 'string') return value;
	if (typeof value === 'object' && 'text' in (value as object))
		return String((value as { text: string }).text);
	if (typeof value === 'object' && 'value' in (value as object))
		return String((value as { value: string }).value);
	return String(value);
}

function messageIdIn(text: string): string | null {
	const m = text.match(/^Message-I[Dd]:\s*(<[^>\s]+>)/m);
	return m ? m[1] : null;
}

function sesReport(body: string): BounceReport | undefined {
	const start = body.indexOf('{');
	if (start < 0 || !body.includes('notificationType')) return undefined;
	let doc: {
		notificationType?: string;
		bounce?: {
			bounceType?: string;
			bouncedRecipients?: Array<{
				emailAddress?: string;
				status?: string;
				diagnosticCode?: string;
			}>;
		};
		delivery?: { recipients?: string[]; smtpResponse?: string };
		complaint?: {
			complainedRecipients?: Array<{ emailAddress?: string }>;
			complaintFeedbackType?: string;
		};
		mail?: { messageId?: string; headers?: Array<{ name: string; value: string }> };
	};
	try {
		doc = JSON.parse(body.slice(start, body.lastIndexOf('}') + 1));
	} catch {
		return undefined;
	}
	const header =
		doc.mail?.headers?.find((h) => h.name.toLowerCase() === 'message-id')?.value ?? null;
	const base = { originalMessageId: header, subject: '', from: '' };
	if (doc.notificationType === 'Delivery') {
		const code = replyCodeOf(doc.delivery?.smtpResponse ?? '');
		const status = doc.delivery?.smtpResponse?.match(STATUS)?.[0] ?? null;
		return {
			...base,
			kind: 'delivered',
			recipients: (doc.delivery?.recipients ?? []).map((a) => ({
				address: a.toLowerCase(),
				status,
				replyCode: code,
				reason: 'delivered',
				hard: false,
				diagnostic: doc.delivery?.smtpResponse ?? '',
			})),
		};
	}
	if (doc.notificationType === 'Complaint') {
		return {
			...base,
			kind: 'complaint',
			feedbackType: doc.complaint?.complaintFeedbackType,
			recipients: (doc.complaint?.complainedRecipients ?? []).map((r) => ({
				address: r.emailAddress?.toLowerCase() ?? null,
				status: null,
				replyCode: null,
				reason: 'complaint',
				hard: false,
				diagnostic: '',
			})),
		};
	}
	if (doc.notificationType === 'Bounce') {
		return {
			...base,
			kind: 'bounce',
			recipients: (doc.bounce?.bouncedRecipients ?? []).map((r) =>
				recipient(
					r.emailAddress?.toLowerCase() ?? null,
					r.status ?? null,
					r.diagnosticCode ?? '',
					'',
				),
			),
		};
	}
	return undefined;
}

const AUTO_REPLY_SUBJECT =
	/^(auto(matic)?[ -]?(reply|response|antwort)|out of (the )?office|absence|abwesend|away|vacation|on leave|r[ée]ponse automatique|absent)/i;
const BOUNCE_SUBJECT =
	/undeliver|undelivered|delivery (status )?(notification|failure|has failed)|returned mail|failure notice|mail delivery (failed|system)|could not be delivered|non[- ]?remis|delivery problem|returning message to sender/i;

/** Reads a bounce, DSN, auto-reply or complaint e-mail (raw RFC 822 bytes) and says what happened. */
export async function classifyBounce(raw: Buffer | string): Promise<BounceReport> {
	const parsed = await simpleParser(typeof raw === 'string' ? raw.replace(/\r?\n/g, '\r\n') : raw);
	const subject = parsed.subject ?? '';
	const from = parsed.from?.text ?? '';
	const contentType = headerText(parsed, 'content-type');
	const body = parsed.text ?? '';
	const parts = parsed.attachments.map((a) => ({
		type: a.contentType.toLowerCase(),
		text: a.content.toString('utf8'),
	}));
	const corpus = [body, ...parts.map((p) => p.text)].join('\n\n');
	const original = parts.find(
		(p) =>
			p.type === 'message/rfc822' ||
			p.type === 'text/rfc822-headers' ||
			p.type === 'message/rfc822-headers',
	);
	let originalMessageId = (original && messageIdIn(original.text)) ?? null;
	if (!originalMessageId) {
		const copy = corpus
			.split(
				/-{3,}.*(copy of the message|original message|undelivered message|message headers follow).*-{0,}/i,
			)
			.slice(1)
			.join('\n');
		originalMessageId = messageIdIn(copy) ?? (parsed.inReplyTo ? String(parsed.inReplyTo) : null);
	}

	if (
		/report-type="?feedback-report/i.test(contentType) ||
		parts.some((p) => p.type === 'message/feedback-report')
	) {
		const feedbackType = corpus.match(/^Feedback-Type:\s*(\S+)/im)?.[1]?.toLowerCase();
		const address = addressOf(
			corpus.match(/^(Original-Rcpt-To|Removal-Recipient):\s*(.+)$/im)?.[2],
		);
		return {
			kind: 'complaint',
			feedbackType,
			subject,
			from,
			originalMessageId,
			recipients: [
				{
					address,
					status: null,
					replyCode: null,
					reason: 'complaint',
					hard: false,
					diagnostic: feedbackType ?? '',
				},
			],
		};
	}
	const ses = sesReport(body);
	if (ses) return { ...ses, subject, from };

	const isDsn =
		/report-type="?delivery-status/i.test(contentType) ||
		parts.some((p) => p.type.includes('delivery-status'));
	const blocks = dsnBlocks(
		parts
			.filter((p) => p.type.includes('delivery-status'))
			.map((p) => p.text)
			.join('\n\n') || corpus,
	);
	const fromDaemon =
		/mailer-daemon|postmaster|mail delivery (system|subsystem)|microsoftexchange|bounce/i.test(
			from,
		);
	const looksBounce =
		isDsn ||
		blocks.length > 0 ||
		fromDaemon ||
		BOUNCE_SUBJECT.test(subject) ||
		!!headerText(parsed, 'x-failed-recipients');
	const autoSubmitted = headerText(parsed, 'auto-submitted').toLowerCase();
	if (!looksBounce) {
		const auto =
			autoSubmitted.startsWith('auto-replied') ||
			!!headerText(parsed, 'x-autoreply') ||
			!!headerText(parsed, 'x-autorespond') ||
			/auto_reply/i.test(headerText(parsed, 'precedence')) ||
			AUTO_REPLY_SUBJECT.test(subject);
		const address = parsed.from?.value[0]?.address?.toLowerCase() ?? null;
		return {
			kind: auto ? 'auto_reply' : 'other',
			subject,
			from,
			originalMessageId: parsed.inReplyTo ? String(parsed.inReplyTo) : null,
			recipients: auto
				? [
						{
							address,
							status: null,
							replyCode: null,
							reason: 'auto_reply',
							hard: false,
							diagnostic: subject,
						},
					]
				: [],
		};
	}

	const recipients: BounceRecipient[] = [];
	for (const block of blocks) {
		const f = block.fields;
		const address = addressOf(f['final-recipient']) ?? addressOf(f['original-recipient']);
		const status = f.status?.match(STATUS)?.[0] ?? null;
		const action = (f.action ?? '').toLowerCase();
		if (
			action === 'delivered' ||
			action === 'relayed' ||
			action === 'expanded' ||
			status?.startsWith('2.')
		) {
			recipients.push({
				address,
				status,
				replyCode: replyCodeOf(f['diagnostic-code'] ?? ''),
				reason: 'delivered',
				hard: false,
				diagnostic: f['diagnostic-code'] ?? '',
			});
			continue;
		}
		if (action === 'delayed') continue;
		const diagnostic = f['diagnostic-code'] ?? '';
		const context = paragraphAbout(body, address);
		const r = recipient(
			address,
			status,
			diagnostic,
			context || (blocks.length === 1 ? body : ''),
			action === 'failed' && !!status?.startsWith('4.'),
		);
		// a DSN "Status: 5.0.0" says little: a status written in the diagnostic is more precise
		if (!r.status || /\.0\.0$/.test(r.status))
			r.status = statusIn(diagnostic) ?? statusIn(context) ?? r.status;
		recipients.push(r);
	}
	if (recipients.length === 0) {
		// A plain-text bounce (Exim, Gmail, Yahoo, Exchange…): the failed address and the server's answer are in the text.
		const failed = headerText(parsed, 'x-failed-recipients');
		const errorLine =
			body.split(/\n/).find((line) => STATUS.test(line) || /\b[45]\d\d\b/.test(line)) ?? '';
		const address =
			addressOf(failed) ??
			addressOf(errorLine) ??
			addressOf(body.split(/-{3,}|original message/i)[0]);
		const head = body.split(
			/-{3,}\s*(this is a copy|original message|message headers|the header)|^Received:/im,
		)[0];
		recipients.push(recipient(address, statusIn(head), head, ''));
	}
	const kind: ReportKind =
		recipients.length > 0 && recipients.every((r) => r.reason === 'delivered')
			? 'delivered'
			: 'bounce';
	return { kind, subject, from, originalMessageId, recipients };
}

export interface BounceOutcome {
	report: BounceReport;
	/** Reminders of the bounced message (found by its Message-ID) now marked bounced. */
	remindersBounced: number;
	/** Customers whose address was marked bounced (they get letters from now on). */
	customersMarked: Array<{ id: string; externalId: string; address: string }>;
	/** Reminders of a delivered message (success report) that were uncertain and are now sent. */
	remindersDelivered?: number;
}

/**
 * A success report (DSN "delivered", SES Delivery) is the server's own record that the message went out: it is
 * kept in the history by its Message-ID, and settles the reminders of that message still in doubt.
 */
async function recordDelivered(
	ledger: Ledger,
	report: BounceReport,
	actor: string,
): Promise<number> {
	if (!report.originalMessageId) return 0;
	const addresses = report.recipients
		.map((r) => r.address)
		.filter(Boolean)
		.join(', ');
	const rows = await ledger.query<{ n: string }>(
		`WITH rems AS (
			SELECT id, invoice_id, customer_id, stage, status FROM reminders WHERE message_id = $1
		), locked AS (
			-- locked in the order claims take them (invoice, stage): never a circle of waits with a run or a release
			SELECT id FROM reminders WHERE message_id = $1 AND status IN ('uncertain', 'handing_over')
			ORDER BY invoice_id, stage
			FOR UPDATE
		), updated AS (
			UPDATE reminders r SET status = 'sent', sent_at = coalesce(r.handed_over_at, r.claimed_at), error = NULL, decided_by = $2, decided_at = now()
			WHERE r.id IN (SELECT id FROM locked) AND r.status IN ('uncertain', 'handing_over')
			RETURNING r.id
		), logged AS (
			INSERT INTO history (customer_id, invoice_id, kind, channel, actor, summary, payload)
			SELECT rems.customer_id, rems.invoice_id, 'email_delivered', 'email', $2,
				'Delivery report: stage ' || rems.stage || ' e-mail delivered' || coalesce(' to ' || $3, ''),
				jsonb_build_object('originalMessageId', $1::text, 'stage', rems.stage, 'recipients', $4::jsonb, 'settled', rems.id IN (SELECT id FROM updated),
					'timeline', jsonb_build_object('key', 'email_delivered', 'fields', jsonb_strip_nulls(jsonb_build_object('stage', rems.stage, 'to', $3::text))))
			FROM rems
			UNION ALL
			SELECT NULL, NULL, 'email_delivered', 'email', $2, 'Delivery report for a message not in the ledger',
				jsonb_build_object('originalMessageId', $1::text, 'recipients', $4::jsonb, 'timeline', jsonb_build_object('key', 'email_delivered_unknown', 'fields', '{}'::jsonb))
			WHERE NOT EXISTS (SELECT 1 FROM rems)
			RETURNING 1
		)
		SELECT (SELECT count(*) FROM updated)::text AS n, (SELECT count(*) FROM logged) AS logged`,
		[report.originalMessageId, actor, addresses || null, JSON.stringify(report.recipients)],
	);
	return Number(rows[0]?.n ?? 0);
}

/**
 * Records a bounce: appended to the history; on a hard bounce the reminders of that message are marked
 * bounced and the customer's e-mail status too, so the next run of the stage prints a letter instead.
 */
export async function processBounce(
	ledger: Ledger,
	raw: Buffer | string,
	actor = 'bounce-processing',
): Promise<BounceOutcome> {
	const report = await classifyBounce(raw);
	const outcome: BounceOutcome = { report, remindersBounced: 0, customersMarked: [] };
	if (report.kind === 'delivered') {
		outcome.remindersDelivered = await recordDelivered(ledger, report, actor);
		return outcome;
	}
	if (report.kind !== 'bounce' && report.kind !== 'complaint') return outcome;
	const reminders = report.originalMessageId
		? await ledger.query<{
				id: string;
				invoice_id: string;
				customer_id: string;
				stage: string;
				recipients: string[];
			}>(
				'SELECT id, invoice_id, customer_id, stage, recipients FROM reminders WHERE message_id = $1 ORDER BY invoice_id, stage',
				[report.originalMessageId],
			)
		: [];
	await ledger.transaction(async (client) => {
		// a hard bounce changes reminders one recipient after another: lock them all first, in the order claims take
		// them (invoice, stage), so this transaction never waits in a circle with a run or another bounce
		if (reminders.length && report.recipients.some((r) => r.hard && report.kind === 'bounce')) {
			await client.query(
				'SELECT id FROM reminders WHERE id = ANY($1::bigint[]) ORDER BY invoice_id, stage FOR UPDATE',
				[reminders.map((r) => r.id)],
			);
		}
		for (const r of report.recipients) {
			const hard = r.hard && report.kind === 'bounce';
			const event = timelineEvent('email_bounce', {
				type: hard ? 'hard' : report.kind === 'complaint' ? 'complaint' : 'soft',
				address: r.address ?? undefined,
				reason: r.reason,
				status: r.status || undefined,
			});
			const summary = event.summary;
			const payload = {
				...r,
				kind: report.kind,
				originalMessageId: report.originalMessageId,
				subject: report.subject,
				timeline: event.timeline,
			};
			const concerned = reminders.filter(
				(rem) => !r.address || rem.recipients.some((a) => a.toLowerCase() === r.address),
			);
			if (concerned.length === 0) {
				await client.query(
					"INSERT INTO history (kind, channel, actor, summary, payload) VALUES ('email_bounce', 'email', $1, $2, $3)",
					[actor, summary, JSON.stringify(payload)],
				);
			}
			for (const rem of concerned) {
				await client.query(
					"INSERT INTO history (customer_id, invoice_id, kind, channel, actor, summary, payload) VALUES ($1, $2, 'email_bounce', 'email', $3, $4, $5)",
					[
						rem.customer_id,
						rem.invoice_id,
						actor,
						summary,
						JSON.stringify({ ...payload, stage: rem.stage }),
					],
				);
				if (hard) {
					const updated = await client.query(
						"UPDATE reminders SET status = 'bounced', error = $2 WHERE id = $1 AND status IN ('sent', 'uncertain') RETURNING id",
						[rem.id, summary],
					);
					outcome.remindersBounced += updated.rowCount ?? 0;
				}
			}
			if (hard && r.address) {
				const ids = [...new Set(concerned.map((c) => c.customer_id))];
				const marked = await client.query<{ id: string; external_id: string }>(
					`UPDATE customers SET email_status = 'bounced', updated_at = now()
					WHERE email_status <> 'bounced' AND ${ids.length ? 'id = ANY($2::bigint[])' : 'true'}
						AND EXISTS (SELECT 1 FROM unnest(emails) e WHERE lower(e) = $1)
					RETURNING id, external_id`,
					ids.length ? [r.address, ids] : [r.address],
				);
				for (const row of marked.rows)
					outcome.customersMarked.push({
						id: String(row.id),
						externalId: row.external_id,
						address: r.address,
					});
			}
		}
	});
	return outcome;
}

/**
 * Rebuilds an e-mail from what n8n's Email Trigger (IMAP) outputs in its "Resolved" format: the header lines
 * (json.headers), the text, and the attachments (binary) — where a DSN's delivery-status and original-message
 * parts end up. The result reads like the original for classifyBounce.
 */
export function rawFromResolved(parts: {
	headers: Record<string, string>;
	text?: string;
	attachments: Array<{ contentType: string; content: Buffer }>;
}): Buffer {
	const boundary = `rcv-${Date.now().toString(36)}`;
	const contentType =
		Object.entries(parts.headers).find(([key]) => key.toLowerCase() === 'content-type')?.[1] ?? '';
	const reportType =
		contentType.match(/report-type="?([\w-]+)/i)?.[1] ??
		(parts.attachments.some((a) => a.contentType.includes('delivery-status'))
			? 'delivery-status'
			: undefined);
	const lines: string[] = [];
	for (const [key, line] of Object.entries(parts.headers)) {
		if (/^content-(type|transfer-encoding)$/i.test(key) || /^mime-version$/i.test(key)) continue;
		lines.push(line.replace(/\r?\n(?![ \t])/g, '\r\n '));
	}
	lines.push('MIME-Version: 1.0');
	lines.push(
		`Content-Type: ${reportType ? `multipart/report; report-type=${reportType}` : 'multipart/mixed'}; boundary="${boundary}"`,
	);
	const body: string[] = [
		'',
		`--${boundary}`,
		'Content-Type: text/plain; charset=utf-8',
		'Content-Transfer-Encoding: 8bit',
		'',
		parts.text ?? '',
	];
	for (const attachment of parts.attachments) {
		body.push(
			`--${boundary}`,
			`Content-Type: ${attachment.contentType}`,
			'Content-Transfer-Encoding: 8bit',
			'',
			attachment.content.toString('utf8'),
		);
	}
	body.push(`--${boundary}--`, '');
	return Buffer.from([...lines, ...body].join('\r\n').replace(/\r?\n/g, '\r\n'), 'utf8');
}
