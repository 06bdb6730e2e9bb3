import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { waveCosts } from '../../../core';
import { getLedger } from '../../shared/transport/ledger';
import { perItem } from './common';

const properties: INodeProperties[] = [
	{
		displayName: 'Group By',
		name: 'costGroupBy',
		type: 'options',
		options: [
			{ name: 'Month', value: 'month' },
			{ name: 'Wave', value: 'wave' },
			{ name: 'Zone', value: 'zone' },
		],
		default: 'month',
	},
	{ displayName: 'From', name: 'from', type: 'string', default: '', description: 'First handover day (YYYY-MM-DD); empty: no limit' },
	{ displayName: 'To', name: 'to', type: 'string', default: '', description: 'Last handover day (YYYY-MM-DD); empty: no limit' },
];

export const description = updateDisplayOptions({ show: { operation: ['waveCosts'] } }, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const ledger = await getLedger(this);
	return [await perItem(this, async (i) => {
		const rows = await waveCosts(ledger, {
			groupBy: this.getNodeParameter('costGroupBy', i, 'month') as 'month' | 'wave' | 'zone',
			from: String(this.getNodeParameter('from', i, '') || '') || undefined,
			to: String(this.getNodeParameter('to', i, '') || '') || undefined,
		});
		return rows.map((r) => ({ ...r }));
	})];
}
