import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { releaseWave, type Ledger } from '../../../core';
import { eachItem, ledgerSetup } from '../../shared/operation';

const properties: INodeProperties[] = [
	{
		displayName: 'Wave Code',
		name: 'waveCode',
		type: 'string',
		default: '={{ $json.waveCode }}',
		required: true,
	},
];

export const description = updateDisplayOptions(
	{ show: { operation: ['releaseWave'] } },
	properties,
);

/** Outputs: Released, Not Released (with the invoices still to enter). */
export const operation = eachItem({
	outputs: [
		{ name: 'Released', meaning: 'The wave released to its courier (every invoice entered)' },
		{
			name: 'Not Released',
			meaning:
				'A wave that cannot be released yet: what is missing (details.missing) and how to fix it',
			rejects: true,
		},
	],
	setup: ledgerSetup,
	async item(i, _item, ledger: Ledger) {
		const r = await releaseWave(ledger, { waveCode: String(this.getNodeParameter('waveCode', i)) });
		return {
			json: {
				waveCode: r.waveCode,
				courierCode: r.courierCode,
				invoices: r.invoices,
				releasedAt: r.releasedAt,
			},
		};
	},
});
