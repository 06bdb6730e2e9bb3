import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { chargesJson, isReceivablesError, latePaymentCharges } from '../../../core';
import { errorJson, toNodeError } from '../../shared/errors';

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
		description: 'Annual rate of the contract (raised to 3 × the legal interest rate under French law); empty: the legal rate (ECB rate + 10 points)',
	},
	{
		displayName: 'Governing Law',
		name: 'governingLaw',
		type: 'string',
		default: 'FR',
		description: 'Country whose law governs the contract (two letters). FR: ECB rate + 10 points, 3 × legal interest floor, €40 indemnity whatever the currency. Other: interest only at a contract rate.',
	},
];

const displayOptions = { show: { operation: ['lateCharges'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const contract = String(this.getNodeParameter('contractRatePercent', i, '') ?? '').trim();
			const c = latePaymentCharges({
				amount: String(this.getNodeParameter('amount', i, '')),
				currency: String(this.getNodeParameter('currency', i, 'EUR')),
				dueDate: String(this.getNodeParameter('dueDate', i, '')),
				asOf: String(this.getNodeParameter('chargesAsOf', i, '')),
				contractRatePercent: contract || undefined,
				governingLaw: String(this.getNodeParameter('governingLaw', i, 'FR') ?? '').trim() || undefined,
			});
			out.push({
				json: {
					...items[i].json,
					charges: chargesJson(c),
				},
				pairedItem: { item: i },
			});
		} catch (error) {
			if (!isReceivablesError(error) || !this.continueOnFail()) throw toNodeError(this.getNode(), error, i);
			out.push({ json: { ...errorJson(error), input: items[i].json }, pairedItem: { item: i } });
		}
	}
	return [out];
}
