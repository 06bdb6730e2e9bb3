import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { markInvoicesEntered } from '../../../core';
import { getLedger } from '../../shared/transport/ledger';
import { list, perItem } from './common';

const properties: INodeProperties[] = [
	{ displayName: 'Wave Code', name: 'waveCode', type: 'string', default: '={{ $json.waveCode }}', required: true },
	{ displayName: 'Invoice Numbers', name: 'invoiceNumbers', type: 'string', default: '', description: 'Comma-separated; empty: every invoice of the wave' },
];

export const description = updateDisplayOptions({ show: { operation: ['markEntered'] } }, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const ledger = await getLedger(this);
	return [await perItem(this, async (i) => {
		const numbers = list(this.getNodeParameter('invoiceNumbers', i, ''));
		const r = await markInvoicesEntered(ledger, { waveCode: String(this.getNodeParameter('waveCode', i)), invoiceNumbers: numbers.length ? numbers : undefined });
		return [{ waveCode: r.waveCode, entered: r.entered, pending: r.pending }];
	})];
}
