import type { ICredentialType, INodeProperties } from 'n8n-workflow';

export class ReceivablesWebhookApi implements ICredentialType {
	name = 'receivablesWebhookApi';

	displayName = 'Receivables Webhook API';

	documentationUrl =
		'https://github.com/n8n-nodes-receivables/n8n-nodes-receivables#signed-webhooks';

	icon = { light: 'file:webhook.svg', dark: 'file:webhook.dark.svg' } as const;

	properties: INodeProperties[] = [
		{
			displayName:
				'The secret shared with the software that sends webhooks: it signs each request (HMAC-SHA256) and Invoice Intake refuses any request not signed with it. Use at least 16 random characters.',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Previous Secret',
			name: 'previousSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'While the sender moves to a new secret: the old one, still accepted. Empty it once the sender uses the new secret.',
		},
	];
}
