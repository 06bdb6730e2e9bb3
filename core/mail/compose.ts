import { createHash, randomUUID } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import { ReceivablesError } from '../errors';
import { assertHeaderValue, checkEmailAddress } from './address';

export interface MailAttachment {
	filename: string;
	content: Buffer;
	contentType?: string;
}

export interface OutgoingMail {
	from: { name?: string; address: string };
	replyTo?: string;
	to: Array<{ name?: string; address: string }>;
	cc?: string[];
	bcc?: string[];
	subject: string;
	text: string;
	html?: string;
	language?: string;
	attachments?: MailAttachment[];
	headers?: Record<string, string>;
	messageId?: string;
}

export interface ComposedMail {
	messageId: string;
	raw: Buffer;
	/** sha256 of the exact bytes sent. */
	contentHash: string;
	envelope: { from: string; to: string[] };
}

function checkAddress(address: string, field: string): string {
	assertHeaderValue(address, field);
	const problem = checkEmailAddress(address);
	if (problem) {
		throw new ReceivablesError(
			'MAIL_BAD_ADDRESS',
			`The ${field} address "${address}" is not a valid e-mail address (${problem}).`,
			{
				hint: 'Correct the address in the customer data or the dunning policy.',
				details: { field, address, problem },
			},
		);
	}
	return address;
}

export function newMessageId(domainOf: string): string {
	const domain = domainOf.includes('@') ? domainOf.slice(domainOf.lastIndexOf('@') + 1) : domainOf;
	return `<${randomUUID()}@${domain || 'receivables.invalid'}>`;
}

/**
 * Builds the exact MIME message (so its hash can be archived and its Message-ID known before sending). Names,
 * addresses and the subject are refused when they hold a line break (header injection); nodemailer encodes
 * the rest.
 */
export async function composeMail(mail: OutgoingMail): Promise<ComposedMail> {
	const from = checkAddress(mail.from.address, 'sender');
	if (mail.from.name) assertHeaderValue(mail.from.name, 'sender name');
	assertHeaderValue(mail.subject, 'subject');
	const to = mail.to.map((r) => {
		if (r.name) assertHeaderValue(r.name, 'recipient name');
		return { name: r.name ?? '', address: checkAddress(r.address, 'recipient') };
	});
	const cc = (mail.cc ?? []).map((a) => checkAddress(a, 'cc'));
	const bcc = (mail.bcc ?? []).map((a) => checkAddress(a, 'bcc'));
	const replyTo = mail.replyTo ? checkAddress(mail.replyTo, 'reply-to') : undefined;
	for (const [key, value] of Object.entries(mail.headers ?? {})) {
		assertHeaderValue(key, 'header name');
		assertHeaderValue(value, `${key} header`);
	}
	for (const attachment of mail.attachments ?? [])
		assertHeaderValue(attachment.filename, 'attachment name');
	if (to.length === 0) {
		throw new ReceivablesError('MAIL_NO_RECIPIENT', 'The message has no recipient.', {
			hint: 'Give the customer an e-mail address, or send a letter.',
		});
	}
	const messageId = mail.messageId ?? newMessageId(from);
	const composer = new MailComposer({
		from: mail.from.name ? { name: mail.from.name, address: from } : from,
		to,
		cc: cc.length ? cc : undefined,
		bcc: bcc.length ? bcc : undefined,
		replyTo,
		subject: mail.subject,
		text: mail.text,
		html: mail.html,
		messageId,
		date: new Date(),
		headers: {
			...(mail.language ? { 'Content-Language': mail.language } : {}),
			...(mail.headers ?? {}),
		},
		attachments: (mail.attachments ?? []).map((a) => ({
			filename: a.filename,
			content: a.content,
			contentType: a.contentType,
		})),
	});
	const node = composer.compile();
	const envelope = node.getEnvelope();
	// SMTP carries CRLF line ends: normalise now so the hash is that of the bytes on the wire.
	const raw = Buffer.from(
		(await node.build()).toString('latin1').replace(/\r?\n/g, '\r\n'),
		'latin1',
	);
	return {
		messageId,
		raw,
		contentHash: createHash('sha256').update(raw).digest('hex'),
		envelope: { from: envelope.from as string, to: envelope.to },
	};
}
