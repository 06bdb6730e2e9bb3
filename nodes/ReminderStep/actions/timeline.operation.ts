import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { customerTimeline } from '../../../core';
import { getLedger } from '../../shared/transport/ledger';

const properties: INodeProperties[] = [
	{
		displayName: 'Customer Code',
		name: 'timelineCustomer',
		type: 'string',
		default: '={{ $json.customerId }}',
		required: true,
	},
	{ displayName: 'From', name: 'timelineFrom', type: 'string', default: '', placeholder: '2026-01-01' },
	{ displayName: 'To', name: 'timelineTo', type: 'string', default: '', placeholder: '2026-12-31' },
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

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const ledger = await getLedger(this);
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		const entries = await customerTimeline(ledger, {
			customerExternalId: String(this.getNodeParameter('timelineCustomer', i, '')).trim(),
			from: String(this.getNodeParameter('timelineFrom', i, '') ?? '').trim() || undefined,
			to: String(this.getNodeParameter('timelineTo', i, '') ?? '').trim() || undefined,
			limit: this.getNodeParameter('limit', i, 50) as number,
		});
		for (const entry of entries) out.push({ json: { ...entry }, pairedItem: { item: i } });
	}
	return [out];
}
