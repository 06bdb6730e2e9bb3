import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { activePortalUser, statusQuery, type Ledger } from '../../../core';
import { eachItem, ledgerSetup } from '../../shared/operation';

const properties: INodeProperties[] = [
	{
		displayName: 'Portal User Login',
		name: 'portalLogin',
		type: 'string',
		default: '',
		required: true,
		description:
			"The answer is limited to what this portal user's accreditation allows (level 1 everything, 2 a sales rep's customers, 3 a group head's reps' customers)",
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Customer',
				name: 'customer',
				type: 'string',
				default: '',
				description: 'Part of the customer name or code',
			},
			{ displayName: 'Invoice Number', name: 'invoiceNumber', type: 'string', default: '' },
			{
				displayName: 'Outcome',
				name: 'status',
				type: 'options',
				options: [
					'pending',
					'entered',
					'picked_up',
					'delivered',
					'refused',
					'absent',
					'wrong_address',
					'returned',
				].map((v) => ({ name: v, value: v })),
				default: 'delivered',
			},
			{ displayName: 'Received From', name: 'receivedFrom', type: 'string', default: '' },
			{ displayName: 'Received To', name: 'receivedTo', type: 'string', default: '' },
			{ displayName: 'Wave Code', name: 'waveCode', type: 'string', default: '' },
		],
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
	},
];

export const description = updateDisplayOptions(
	{ show: { operation: ['statusQuery'] } },
	properties,
);

export const operation = eachItem({
	outputs: [
		{
			name: 'Done',
			meaning: "One invoice's delivery and payment status, within the portal user's accreditation",
		},
	],
	setup: ledgerSetup,
	async item(i, _item, ledger: Ledger) {
		const user = await activePortalUser(ledger, String(this.getNodeParameter('portalLogin', i)));
		const filters = this.getNodeParameter('filters', i, {}) as IDataObject;
		const result = await statusQuery(ledger, {
			user,
			filters: filters as Record<string, string>,
			limit: Number(this.getNodeParameter('limit', i, 50)),
		});
		return result.map((r) => ({ json: { ...r } as unknown as IDataObject }));
	},
});
