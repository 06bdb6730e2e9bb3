import type { ICredentialType, INodeProperties } from 'n8n-workflow';

export class ReceivablesLedgerApi implements ICredentialType {
	name = 'receivablesLedgerApi';

	displayName = 'Receivables Ledger API';

	documentationUrl = 'https://github.com/n8n-nodes-receivables/n8n-nodes-receivables#credentials';

	icon = { light: 'file:ledger.svg', dark: 'file:ledger.dark.svg' } as const;

	properties: INodeProperties[] = [
		{ displayName: 'Host', name: 'host', type: 'string', default: 'localhost' },
		{ displayName: 'Port', name: 'port', type: 'number', default: 5432 },
		{ displayName: 'Database', name: 'database', type: 'string', default: 'postgres' },
		{ displayName: 'User', name: 'user', type: 'string', default: 'postgres' },
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'SSL',
			name: 'ssl',
			type: 'options',
			options: [
				{ name: 'Disable', value: 'disable' },
				{ name: 'Allow (No Certificate Check)', value: 'allow' },
				{ name: 'Require (No Certificate Check)', value: 'require' },
				{ name: 'Verify Full', value: 'verify-full' },
			],
			default: 'disable',
		},
		{
			displayName: 'Schema',
			name: 'schema',
			type: 'string',
			default: 'receivables',
			description:
				'Postgres schema of the ledger tables. It is created and kept up to date automatically.',
		},
		{
			displayName: 'Maximum Connections',
			name: 'maxConnections',
			type: 'number',
			default: 10,
			description: 'Connections each n8n process may open to the ledger',
		},
	];
}
