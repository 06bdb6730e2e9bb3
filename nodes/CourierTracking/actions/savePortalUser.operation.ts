import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { savePortalUser } from '../../../core';
import { getLedger } from '../../shared/transport/ledger';
import { perItem } from './common';

const properties: INodeProperties[] = [
	{ displayName: 'Login', name: 'login', type: 'string', default: '', required: true },
	{ displayName: 'Name', name: 'name', type: 'string', default: '', required: true },
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
	{ displayName: 'Staff Code', name: 'staffCode', type: 'string', default: '', description: 'The sales rep or group head (required for levels 2 and 3)' },
	{ displayName: 'Secret', name: 'secret', type: 'string', typeOptions: { password: true }, default: '', required: true, description: 'Stored hashed (scrypt); changing it ends the user\'s open sessions' },
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
];

export const description = updateDisplayOptions({ show: { operation: ['savePortalUser'] } }, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const ledger = await getLedger(this);
	return [await perItem(this, async (i) => {
		const user = await savePortalUser(ledger, {
			login: String(this.getNodeParameter('login', i)),
			name: String(this.getNodeParameter('name', i)),
			level: Number(this.getNodeParameter('level', i)) as 1 | 2 | 3,
			staffCode: String(this.getNodeParameter('staffCode', i, '') || '') || null,
			secret: String(this.getNodeParameter('secret', i)),
			language: this.getNodeParameter('language', i, 'fr') as 'fr' | 'en',
			active: this.getNodeParameter('active', i, true) as boolean,
		});
		return [{ id: user.id, login: user.login, name: user.name, level: user.level, staffCode: user.staffCode, language: user.language }];
	})];
}
