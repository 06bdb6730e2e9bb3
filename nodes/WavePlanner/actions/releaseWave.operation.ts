import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { isReceivablesError, releaseWave } from '../../../core';
import { toNodeError } from '../../shared/errors';
import { getLedger } from '../../shared/transport/ledger';

const properties: INodeProperties[] = [
	{ displayName: 'Wave Code', name: 'waveCode', type: 'string', default: '={{ $json.waveCode }}', required: true },
];

export const description = updateDisplayOptions({ show: { operation: ['releaseWave'] } }, properties);

/** Outputs: Released, Not Released (with the invoices still to enter). */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const ledger = await getLedger(this);
	const items = this.getInputData();
	const released: INodeExecutionData[] = [];
	const refused: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		const waveCode = String(this.getNodeParameter('waveCode', i));
		try {
			const r = await releaseWave(ledger, { waveCode });
			released.push({ json: { waveCode: r.waveCode, courierCode: r.courierCode, invoices: r.invoices, releasedAt: r.releasedAt }, pairedItem: { item: i } });
		} catch (error) {
			if (!isReceivablesError(error)) throw toNodeError(this.getNode(), error, i);
			refused.push({ json: { waveCode, code: error.code, error: error.message, hint: error.hint ?? null, missing: (error.details?.missing as string[] | undefined) ?? [] }, pairedItem: { item: i } });
		}
	}
	return [released, refused];
}
