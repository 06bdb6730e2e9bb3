import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { markInvoicesEntered, type Ledger } from '../../../core';
import { list } from './common';
import { eachItem, ledgerSetup } from '../../shared/operation';

const properties: INodeProperties[] = [
	{
		displayName: 'Wave Code',
		name: 'waveCode',
		type: 'string',
		default: '={{ $json.waveCode }}',
		required: true,
	},
	{
		displayName: 'Invoice Numbers',
		name: 'invoiceNumbers',
		type: 'string',
		default: '',
		description: 'Comma-separated; empty: every invoice of the wave',
	},
];

export const description = updateDisplayOptions(
	{ show: { operation: ['markEntered'] } },
	properties,
);

export const operation = eachItem({
	outputs: [
		{ name: 'Done', meaning: 'The wave with the invoices now entered and those still pending' },
	],
	setup: ledgerSetup,
	async item(i, _item, ledger: Ledger) {
		const numbers = list(this.getNodeParameter('invoiceNumbers', i, ''));
		const r = await markInvoicesEntered(ledger, {
			waveCode: String(this.getNodeParameter('waveCode', i)),
			invoiceNumbers: numbers.length ? numbers : undefined,
		});
		return { json: { waveCode: r.waveCode, entered: r.entered, pending: r.pending } };
	},
});
