import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';
import { checkImapMailbox, checkLedger, checkSmtp, checkWebhookSecret } from '../../../core';
import { imapOptionsFromCredential } from '../transport/imap';
import { ledgerConfigFromCredential } from '../transport/ledger';
import { smtpConfigFromCredential } from '../transport/smtp';

export async function receivablesLedgerConnectionTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const status = await checkLedger(ledgerConfigFromCredential(credential.data ?? {}));
	return { status: status.ok ? 'OK' : 'Error', message: status.message };
}

export async function receivablesSmtpConnectionTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const status = await checkSmtp(smtpConfigFromCredential(credential.data ?? {}));
	return { status: status.ok ? 'OK' : 'Error', message: status.message };
}

export async function receivablesImapConnectionTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const status = await checkImapMailbox(imapOptionsFromCredential(credential.data ?? {}));
	return { status: status.ok ? 'OK' : 'Error', message: status.message };
}

/** The webhook secret is only checked locally (length, stray spaces): nothing is sent anywhere. */
export async function receivablesWebhookSecretTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const status = checkWebhookSecret(credential.data?.secret);
	return { status: status.ok ? 'OK' : 'Error', message: status.message };
}

export const credentialTest = {
	receivablesImapConnectionTest,
	receivablesLedgerConnectionTest,
	receivablesSmtpConnectionTest,
	receivablesWebhookSecretTest,
};
