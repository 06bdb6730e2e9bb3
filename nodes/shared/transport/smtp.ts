import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import type { SmtpConfig } from '../../../core';

export const SMTP_CREDENTIAL = 'receivablesSmtpApi';

export function smtpConfigFromCredential(credential: ICredentialDataDecryptedObject): SmtpConfig {
	return {
		host: String(credential.host ?? ''),
		port: Number(credential.port ?? 465),
		secure: Boolean(credential.secure ?? true),
		disableStartTls: Boolean(credential.disableStartTls ?? false),
		user: credential.user ? String(credential.user) : undefined,
		password: credential.password ? String(credential.password) : undefined,
		hostName: credential.hostName ? String(credential.hostName) : undefined,
	};
}
