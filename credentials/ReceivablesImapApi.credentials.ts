import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/** A mailbox holding a copy of every accepted reminder (Sent folder or BCC archive), read by Reconcile Reminders. */
export class ReceivablesImapApi implements ICredentialType {
	name = 'receivablesImapApi';

	displayName = 'Receivables IMAP API';

	documentationUrl = 'https://github.com/n8n-nodes-receivables/n8n-nodes-receivables#credentials';

	icon = { light: 'file:imap.svg', dark: 'file:imap.dark.svg' } as const;

	properties: INodeProperties[] = [
		{
			displayName:
				'The mailbox where the mail server keeps a copy of what it accepted: the Sent folder of the sending account, or an archive mailbox that receives a BCC of every reminder. Read only.',
			name: 'imapNotice',
			type: 'notice',
			default: '',
		},
		{ displayName: 'User', name: 'user', type: 'string', default: '' },
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{ displayName: 'Host', name: 'host', type: 'string', default: '' },
		{ displayName: 'Port', name: 'port', type: 'number', default: 993 },
		{
			displayName: 'SSL/TLS',
			name: 'secure',
			type: 'boolean',
			default: true,
			description:
				'Whether to connect with TLS from the start (IMAPS, port 993). Off: STARTTLS when the server offers it (port 143); a server without it is accepted only on this machine, as the password would cross the network in clear.',
		},
		{
			displayName: 'Allow Self-Signed Certificates',
			name: 'acceptSelfSigned',
			type: 'boolean',
			default: false,
		},
		{
			displayName: 'Mailboxes',
			name: 'mailboxes',
			type: 'string',
			default: 'Sent',
			placeholder: 'Sent, Archive/Relances',
			description: 'Mailboxes to look in, separated by commas (for Gmail: [Gmail]/Sent Mail)',
		},
	];
}
