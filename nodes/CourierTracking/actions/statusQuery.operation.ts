import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { ReceivablesError, statusQuery, type PortalUser } from '../../../core';
import { getLedger } from '../../shared/transport/ledger';
import { perItem } from './common';

const properties: INodeProperties[] = [
	{ displayName: 'Portal User Login', name: 'portalLogin', type: 'string', default: '', required: true, description: 'The answer is limited to what this portal user\'s accreditation allows (level 1 everything, 2 a sales rep\'s customers, 3 a group head\'s reps\' customers)' },
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{ displayName: 'Customer', name: 'customer', type: 'string', default: '', description: 'Part of the customer name or code' },
			{ displayName: 'Invoice Number', name: 'invoiceNumber', type: 'string', default: '' },
			{ displayName: 'Outcome', name: 'status', type: 'options', options: ['pending', 'entered', 'picked_up', 'delivered', 'refused', 'absent', 'wrong_address', 'returned'].map((v) => ({ name: v, value: v })), default: 'delivered' },
			{ displayName: 'Received From', name: 'receivedFrom', type: 'string', default: '' },
			{ displayName: 'Received To', name: 'receivedTo', type: 'string', default: '' },
			{ displayName: 'Wave Code', name: 'waveCode', type: 'string', default: '' },
		],
	},
	{ displayName: 'Limit', name: 'limit', type: 'number', typeOptions: { minValue: 1 }, default: 50, description: 'Max number of results to return' },
];

export const description = updateDisplayOptions({ show: { operation: ['statusQuery'] } }, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const ledger = await getLedger(this);
	return [await perItem(this, async (i) => {
		const login = String(this.getNodeParameter('portalLogin', i)).trim().toLowerCase();
		const rows = await ledger.query<{ id: string; login: string; name: string; level: number; staff_code: string | null; language: 'fr' | 'en'; session_version: number }>(
			'SELECT id, login, name, level, staff_code, language, session_version FROM portal_users WHERE login = $1 AND active',
			[login],
		);
		const u = rows[0];
		if (!u) throw new ReceivablesError('PORTAL_USER_UNKNOWN', `No active portal user "${login}" / Aucun utilisateur actif « ${login} ».`, { hint: 'Create the user with Save Portal User.' });
		const user: PortalUser = { id: u.id, login: u.login, name: u.name, level: u.level as 1 | 2 | 3, staffCode: u.staff_code, language: u.language, sessionVersion: u.session_version };
		const filters = this.getNodeParameter('filters', i, {}) as IDataObject;
		const result = await statusQuery(ledger, { user, filters: filters as Record<string, string>, limit: Number(this.getNodeParameter('limit', i, 50)) });
		return result.map((r) => ({ ...r }));
	})];
}
