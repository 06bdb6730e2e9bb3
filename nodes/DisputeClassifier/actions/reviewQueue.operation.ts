import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { listReviews } from '../../../core';
import { getLedger } from '../../shared/transport/ledger';
import { batch } from '../../shared/operation';

const properties: INodeProperties[] = [
	{
		displayName: 'Show',
		name: 'reviewStatus',
		type: 'options',
		options: [
			{ name: 'Pending (Waiting for a Person)', value: 'pending' },
			{ name: 'Reviewed (Labels Given, for Retraining)', value: 'reviewed' },
			{ name: 'All', value: 'all' },
		],
		default: 'pending',
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

const displayOptions = { show: { operation: ['reviewQueue'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export const operation = batch({
	outputs: [{ name: 'Reviews', meaning: 'One message waiting for (or given) a label by a person' }],
	async batch() {
		const ledger = await getLedger(this);
		const reviews = await listReviews(ledger, {
			status: this.getNodeParameter('reviewStatus', 0, 'pending') as 'pending' | 'reviewed' | 'all',
			limit: this.getNodeParameter('limit', 0, 50) as number,
		});
		return reviews.map((r) => ({ json: { ...r } as never }));
	},
});
