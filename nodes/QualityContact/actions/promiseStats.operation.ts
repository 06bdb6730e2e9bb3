import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { promiseStats } from '../../../core';
import { batch } from '../../shared/operation';
import { getLedger } from '../../shared/transport/ledger';

const properties: INodeProperties[] = [
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{ displayName: 'Customer Code', name: 'customer', type: 'string', default: '' },
			{
				displayName: 'Promised Since',
				name: 'since',
				type: 'string',
				default: '',
				placeholder: '2026-01-01',
			},
		],
	},
];

const displayOptions = { show: { operation: ['promiseStats'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export const operation = batch({
	outputs: [
		{
			name: 'Customers',
			meaning: 'Per customer: promises made, kept, broken, open, and the kept rate',
		},
	],
	async batch() {
		const options = this.getNodeParameter('options', 0, {}) as IDataObject;
		const rows = await promiseStats(await getLedger(this), {
			customer: options.customer ? String(options.customer) : undefined,
			since: options.since ? String(options.since) : undefined,
		});
		return rows.map((r) => ({ json: { ...r } as IDataObject }));
	},
});
