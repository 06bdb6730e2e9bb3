import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { saveCourierAccount, savePortalUser, type Ledger } from '../../../core';
import { getLedger } from '../../shared/transport/ledger';
import { eachItem } from '../../shared/operation';

const both = { show: { operation: ['savePortalUser', 'saveCourierAccount'] } };

export const description: INodeProperties[] = [
	...updateDisplayOptions({ show: { operation: ['saveCourierAccount'] } }, [
		{
			displayName:
				"A courier account opens only the courier page (the invoices of the courier's own waves, and recording deliveries); it never reads the portal.",
			name: 'courierNotice',
			type: 'notice',
			default: '',
		},
	]),
	...updateDisplayOptions(both, [
		{ displayName: 'Login', name: 'login', type: 'string', default: '', required: true },
		{ displayName: 'Name', name: 'name', type: 'string', default: '', required: true },
	]),
	...updateDisplayOptions({ show: { operation: ['savePortalUser'] } }, [
		{
			displayName: 'Accreditation Level',
			name: 'level',
			type: 'options',
			options: [
				{ name: '1 — Everything', value: 1 },
				{ name: '2 — Sales Rep: Own Customers', value: 2 },
				{ name: '3 — Group Head: Customers of Their Reps', value: 3 },
			],
			default: 2,
		},
	]),
	...updateDisplayOptions(both, [
		{
			displayName: 'Staff Code',
			name: 'staffCode',
			type: 'string',
			default: '',
			description:
				'Portal user: the sales rep or group head (required for levels 2 and 3). Courier account: the courier (a staff member with the role courier).',
		},
		{
			displayName: 'Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Stored hashed (scrypt); changing it ends the open sessions',
		},
		{
			displayName: 'Language',
			name: 'language',
			type: 'options',
			options: [
				{ name: 'French', value: 'fr' },
				{ name: 'English', value: 'en' },
			],
			default: 'fr',
		},
		{ displayName: 'Active', name: 'active', type: 'boolean', default: true },
	]),
];

export const operation = eachItem({
	outputs: [{ name: 'Done', meaning: 'The account saved (never its secret)' }],
	setup: async function () {
		return {
			ledger: await getLedger(this),
			operation: this.getNodeParameter('operation', 0) as string,
		};
	},
	async item(i, _item, { ledger, operation }: { ledger: Ledger; operation: string }) {
		if (operation === 'saveCourierAccount') {
			const courier = await saveCourierAccount(ledger, {
				login: String(this.getNodeParameter('login', i)),
				name: String(this.getNodeParameter('name', i)),
				staffCode: String(this.getNodeParameter('staffCode', i, '') || ''),
				secret: String(this.getNodeParameter('secret', i)),
				language: this.getNodeParameter('language', i, 'fr') as 'fr' | 'en',
				active: this.getNodeParameter('active', i, true) as boolean,
			});
			return {
				json: {
					id: courier.id,
					kind: courier.kind,
					login: courier.login,
					name: courier.name,
					staffCode: courier.staffCode,
					language: courier.language,
				},
			};
		}
		const user = await savePortalUser(ledger, {
			login: String(this.getNodeParameter('login', i)),
			name: String(this.getNodeParameter('name', i)),
			level: Number(this.getNodeParameter('level', i)) as 1 | 2 | 3,
			staffCode: String(this.getNodeParameter('staffCode', i, '') || '') || null,
			secret: String(this.getNodeParameter('secret', i)),
			language: this.getNodeParameter('language', i, 'fr') as 'fr' | 'en',
			active: this.getNodeParameter('active', i, true) as boolean,
		});
		return {
			json: {
				id: user.id,
				login: user.login,
				name: user.name,
				level: user.level,
				staffCode: user.staffCode,
				language: user.language,
			},
		};
	},
});
