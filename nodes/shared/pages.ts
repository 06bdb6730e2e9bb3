import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { composeMail, lockoutMail, sendMails, type LockoutNotifier, type PageRequest, type PageResponse } from '../../core';
import { SMTP_CREDENTIAL, smtpConfigFromCredential } from './transport/smtp';

/** Page options shared by the portal, the courier page and the dashboard: the lockout notice's sender. */
export const lockoutSenderProperty: INodeProperties = {
	displayName: 'Lockout Notice Sender',
	name: 'lockoutSender',
	type: 'string',
	default: '',
	placeholder: 'noreply@example.com',
	description: 'From address of the e-mail telling a user their sign-in was locked after failed attempts (needs the Receivables SMTP credential). Empty: no e-mail, the lockout still applies.',
};

/** The request a page handler reads from a Webhook node's item: form body, address query, headers. */
export function pageRequestOf(json: IDataObject): PageRequest {
	return { body: (json.body ?? {}) as Record<string, unknown>, query: (json.query ?? {}) as Record<string, unknown>, headers: (json.headers ?? {}) as Record<string, unknown> };
}

/** Sends the lockout e-mail through the Receivables SMTP credential, when a sender and the credential are set. */
export async function lockoutNotifier(ctx: { getCredentials: (type: string) => Promise<ICredentialDataDecryptedObject> }, senderParameter: unknown): Promise<LockoutNotifier | undefined> {
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
		const mail = await composeMail({ from: { address: sender }, to: [{ name: notice.name, address: notice.email }], subject: m.subject, text: m.text, language: notice.language, headers: { 'Auto-Submitted': 'auto-generated' } });
		const [result] = await sendMails(smtp, [mail]);
		if (result.verdict !== 'sent') throw new Error(result.error ?? result.verdict);
	};
}

/** The item answered to the Webhook: status, headers and HTML only (no session, no secret). A server failure goes to n8n's log. */
export function pageItem(ctx: IExecuteFunctions, r: PageResponse): IDataObject {
	if (r.failure) ctx.logger.error(`Receivables page failed: ${r.failure}`);
	return { httpStatus: r.status, headers: r.headers as IDataObject, body: r.body };
}
