import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { chargesJson, latePaymentCharges } from '../../../core';
import { eachItem } from '../../shared/operation';

const properties: INodeProperties[] = [
	{
		displayName: 'Amount',
		name: 'amount',
		type: 'string',
		default: '={{ $json.open }}',
		description: 'Amount owed, in the currency below (e.g. 1234.56)',
	},
	{ displayName: 'Currency', name: 'currency', type: 'string', default: '={{ $json.currency }}' },
	{ displayName: 'Due Date', name: 'dueDate', type: 'string', default: '={{ $json.dueDate }}' },
	{
		displayName: 'As Of',
		name: 'chargesAsOf',
		type: 'string',
		default: '={{ $today.toFormat("yyyy-MM-dd") }}',
		description: 'Date up to which interest runs',
	},
	{
		displayName: 'Contract Rate (%)',
		name: 'contractRatePercent',
		type: 'string',
		default: '',
		description:
			'Annual rate of the contract (raised to 3 × the legal interest rate under French law); empty: the legal rate (ECB rate + 10 points)',
	},
	{
		displayName: 'Governing Law',
		name: 'governingLaw',
		type: 'string',
		default: 'FR',
		description:
			'Country whose law governs the contract (two letters). FR: ECB rate + 10 points, 3 × legal interest floor, €40 indemnity whatever the currency. Other: interest only at a contract rate.',
	},
];

const displayOptions = { show: { operation: ['lateCharges'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export const operation = eachItem({
	outputs: [
		{
			name: 'Done',
			meaning: 'The input item with its late-payment charges (interest, fixed indemnity, periods)',
		},
	],
	async item(i, item) {
		const contract = String(this.getNodeParameter('contractRatePercent', i, '') ?? '').trim();
		const c = latePaymentCharges({
			amount: String(this.getNodeParameter('amount', i, '')),
			currency: String(this.getNodeParameter('currency', i, 'EUR')),
			dueDate: String(this.getNodeParameter('dueDate', i, '')),
			asOf: String(this.getNodeParameter('chargesAsOf', i, '')),
			contractRatePercent: contract || undefined,
			governingLaw:
				String(this.getNodeParameter('governingLaw', i, 'FR') ?? '').trim() || undefined,
		});
		return { json: { ...item.json, charges: chargesJson(c) } };
	},
});
