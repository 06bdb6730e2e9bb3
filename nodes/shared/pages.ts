import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	INodeProperties,
} from 'n8n-workflow';
import {
	composeMail,
	lockoutMail,
	notificationRecipients,
	payerAttachment,
	payerNoticeMail,
	sendMails,
	type Ledger,
	type LockoutNotifier,
	type PageRequest,
	type PageResponse,
	type PayerNotice,
} from '../../core';
import { SMTP_CREDENTIAL, smtpConfigFromCredential } from './transport/smtp';

/** Page options shared by the portal, the courier page and the dashboard: the lockout notice's sender. */
export const lockoutSenderProperty: INodeProperties = {
	displayName: 'Lockout Notice Sender',
	name: 'lockoutSender',
	type: 'string',
	default: '',
	placeholder: 'noreply@example.com',
	description:
		'From address of the e-mail telling a user their sign-in was locked after failed attempts (needs the Receivables SMTP credential). Empty: no e-mail, the lockout still applies.',
};

/** The request a page handler reads from a Webhook node's item: form body, address query, headers. */
export function pageRequestOf(json: IDataObject): PageRequest {
	return {
		body: (json.body ?? {}) as Record<string, unknown>,
		query: (json.query ?? {}) as Record<string, unknown>,
		headers: (json.headers ?? {}) as Record<string, unknown>,
	};
}

/**
 * Sends the payer page's message confirming a new billing e-mail, from the notice sender through the Receivables
 * SMTP credential; undefined (the page then says it cannot change the address) without a sender or credential.
 */
export async function payerMailer(
	ctx: { getCredentials: (type: string) => Promise<ICredentialDataDecryptedObject> },
	senderParameter: unknown,
): Promise<((to: string, m: { subject: string; text: string }) => Promise<void>) | undefined> {
	const sender = String(senderParameter ?? '').trim();
	if (!sender) return undefined;
	let smtp: ReturnType<typeof smtpConfigFromCredential>;
	try {
		smtp = smtpConfigFromCredential(await ctx.getCredentials(SMTP_CREDENTIAL));
	} catch {
		return undefined;
	}
	return async (to, m) => {
		const mail = await composeMail({
			from: { address: sender },
			to: [{ address: to }],
			subject: m.subject,
			text: m.text,
			headers: { 'Auto-Submitted': 'auto-generated' },
		});
		const [result] = await sendMails(smtp, [mail]);
		if (result.verdict !== 'sent') throw new Error(result.error ?? result.verdict);
	};
}

/** Sends the lockout e-mail through the Receivables SMTP credential, when a sender and the credential are set. */
export async function lockoutNotifier(
	ctx: { getCredentials: (type: string) => Promise<ICredentialDataDecryptedObject> },
	senderParameter: unknown,
): Promise<LockoutNotifier | undefined> {
	const sender = String(senderParameter ?? '').trim();
	if (!sender) return undefined;
	let credential;
	try {
		credential = await ctx.getCredentials(SMTP_CREDENTIAL);
	} catch {
		return undefined;
	}
	const smtp = smtpConfigFromCredential(credential);
	return async (notice) => {
		const m = lockoutMail(notice);
		const mail = await composeMail({
			from: { address: sender },
			to: [{ name: notice.name, address: notice.email }],
			subject: m.subject,
			text: m.text,
			language: notice.language,
			headers: { 'Auto-Submitted': 'auto-generated' },
		});
		const [result] = await sendMails(smtp, [mail]);
		if (result.verdict !== 'sent') throw new Error(result.error ?? result.verdict);
	};
}

/** The item answered to the Webhook: status, headers and HTML only (no session, no secret). A server failure goes to n8n's log. */
export function pageItem(ctx: IExecuteFunctions, r: PageResponse): IDataObject {
	if (r.failure) ctx.logger.error(`Receivables page failed: ${r.failure}`);
	return { httpStatus: r.status, headers: r.headers as IDataObject, body: r.body };
}

/** What the payer page did with an answer, as the trigger hands it on: the answer and who was told, no link nor token. */
export interface PayerAnswerItem extends IDataObject {
	kind: string;
	customerExternalId: string;
	customerName: string;
	invoiceNumber: string | null;
	disputeId: string | null;
	summary: string;
	summaryFr: string;
	/** The file the payer attached: its id in the ledger, name, type and size (payerAttachment gives the content). */
	attachment: {
		attachmentId: string;
		fileName: string;
		contentType: string;
		sizeBytes: number;
	} | null;
	notified: string[];
	notifyError: string | null;
}

/**
 * Tells the collector of the customer (or the dispute's owner, or the team address) what the payer answered, through
 * the Receivables SMTP credential, when a sender is set; every answer is kept in `answers` for the execution.
 */
export async function payerNotifier(
	ctx: { getCredentials: (type: string) => Promise<ICredentialDataDecryptedObject> },
	ledger: Ledger,
	senderParameter: unknown,
	teamParameter: unknown,
	answers: PayerAnswerItem[],
): Promise<(notice: PayerNotice) => Promise<void>> {
	const sender = String(senderParameter ?? '').trim();
	let smtp: ReturnType<typeof smtpConfigFromCredential> | undefined;
	if (sender) {
		try {
			smtp = smtpConfigFromCredential(await ctx.getCredentials(SMTP_CREDENTIAL));
		} catch {
			smtp = undefined;
		}
	}
	return async (notice) => {
		const answer: PayerAnswerItem = {
			kind: notice.kind,
			customerExternalId: notice.customerExternalId,
			customerName: notice.customerName,
			invoiceNumber: notice.invoiceNumber,
			disputeId: notice.disputeId ?? null,
			summary: notice.summary.en,
			summaryFr: notice.summary.fr,
			attachment: notice.attachment ? { ...notice.attachment } : null,
			notified: [],
			notifyError: null,
		};
		answers.push(answer);
		if (!smtp) {
			answer.notifyError = sender ? 'no Receivables SMTP credential' : 'no notice sender set';
			return;
		}
		try {
			const to = await notificationRecipients(
				ledger,
				{ owner: notice.owner ?? null, customer: notice.customerExternalId },
				String(teamParameter ?? ''),
			);
			if (!to.length) {
				answer.notifyError = 'nobody to tell: no collector e-mail and no team e-mail';
				return;
			}
			const m = payerNoticeMail(notice);
			// The payer's file goes to the collector as an attachment, read back from the ledger (never from the item).
			const file = notice.attachment
				? await payerAttachment(ledger, notice.attachment.attachmentId)
				: undefined;
			const attachments = file
				? [{ filename: file.fileName, content: file.content, contentType: file.contentType }]
				: undefined;
			const mail = await composeMail({
				from: { address: sender },
				to: to.map((address) => ({ address })),
				subject: m.subject,
				text: m.text,
				headers: { 'Auto-Submitted': 'auto-generated' },
				attachments,
			});
			const [result] = await sendMails(smtp, [mail]);
			if (result.verdict === 'sent') answer.notified = to;
			else answer.notifyError = result.error ?? result.verdict;
		} catch (error) {
			// The answer is written already: the notice's failure is reported in the execution, never to the payer.
			answer.notifyError = error instanceof Error ? error.message : String(error);
		}
	};
}
