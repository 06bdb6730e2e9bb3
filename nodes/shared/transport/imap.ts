import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import type { ImapRecordOptions } from '../../../core';

export const IMAP_CREDENTIAL = 'receivablesImapApi';

export function imapOptionsFromCredential(
	credential: ICredentialDataDecryptedObject,
): ImapRecordOptions {
	const secure = Boolean(credential.secure ?? true);
	return {
		host: String(credential.host ?? ''),
		port: Number(credential.port ?? (secure ? 993 : 143)),
		secure,
		allowUnauthorizedCerts: Boolean(credential.acceptSelfSigned ?? false),
		user: String(credential.user ?? ''),
		password: String(credential.password ?? ''),
		mailboxes: String(credential.mailboxes ?? 'Sent').split(','),
	};
}
