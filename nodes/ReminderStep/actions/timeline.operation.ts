import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { customerTimeline, type Ledger } from '../../../core';
import { eachItem, ledgerSetup } from '../../shared/operation';

const properties: INodeProperties[] = [
	{
		displayName: 'Customer Code',
		name: 'timelineCustomer',
		type: 'string',
		default: '={{ $json.customerId }}',
		required: true,
	},
	{
		displayName: 'From',
		name: 'timelineFrom',
		type: 'string',
		default: '',
		placeholder: '2026-01-01',
	},
	{ displayName: 'To', name: 'timelineTo', type: 'string', default: '', placeholder: '2026-12-31' },
	{
		displayName: 'Language',
		name: 'timelineLanguage',
		type: 'options',
		options: [
			{ name: 'French', value: 'fr' },
			{ name: 'English', value: 'en' },
		],
		default: 'fr',
		description: 'Language of the summaries (each entry is rendered in it, old entries included)',
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

const displayOptions = { show: { operation: ['timeline'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export const operation = eachItem({
	outputs: [{ name: 'Done', meaning: 'One exchange with the customer, newest first' }],
	setup: ledgerSetup,
	async item(i, _item, ledger: Ledger) {
		const entries = await customerTimeline(ledger, {
			customerExternalId: String(this.getNodeParameter('timelineCustomer', i, '')).trim(),
			from: String(this.getNodeParameter('timelineFrom', i, '') ?? '').trim() || undefined,
			to: String(this.getNodeParameter('timelineTo', i, '') ?? '').trim() || undefined,
			limit: this.getNodeParameter('limit', i, 50) as number,
			language: this.getNodeParameter('timelineLanguage', i, 'fr') === 'en' ? 'en' : 'fr',
		});
		return entries.map((entry) => ({ json: { ...entry } }));
	},
});
