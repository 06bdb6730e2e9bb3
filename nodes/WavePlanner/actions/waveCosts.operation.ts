import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { waveCosts, type Ledger } from '../../../core';
import { eachItem, ledgerSetup } from '../../shared/operation';

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
	{
		displayName: 'From',
		name: 'from',
		type: 'string',
		default: '',
		description: 'First handover day (YYYY-MM-DD); empty: no limit',
	},
	{
		displayName: 'To',
		name: 'to',
		type: 'string',
		default: '',
		description: 'Last handover day (YYYY-MM-DD); empty: no limit',
	},
];

export const description = updateDisplayOptions({ show: { operation: ['waveCosts'] } }, properties);

export const operation = eachItem({
	outputs: [{ name: 'Done', meaning: 'Distribution costs per month, wave or zone' }],
	setup: ledgerSetup,
	async item(i, _item, ledger: Ledger) {
		const rows = await waveCosts(ledger, {
			groupBy: this.getNodeParameter('costGroupBy', i, 'month') as 'month' | 'wave' | 'zone',
			from: String(this.getNodeParameter('from', i, '') || '') || undefined,
			to: String(this.getNodeParameter('to', i, '') || '') || undefined,
		});
		return rows.map((r) => ({ json: { ...r } }));
	},
});
