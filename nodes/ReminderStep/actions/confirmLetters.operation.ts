import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { confirmLetters, isReceivablesError } from '../../../core';
import { errorJson, toNodeError } from '../../shared/errors';
import { getLedger } from '../../shared/transport/ledger';

const properties: INodeProperties[] = [
	{
		displayName:
			'Place this step after the one that writes or prints the letters of Render Letters (Write Files to Disk, a print service): each letter it receives is recorded as sent. A letter never confirmed is rendered again by the next run, after the lease.',
		name: 'confirmNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Letter',
		name: 'letter',
		type: 'string',
		default: '={{ $json.letter }}',
		required: true,
		description: 'The letter reference given by Render Letters (field "letter")',
	},
	{
		displayName: 'Destination',
		name: 'destination',
		type: 'string',
		default: '={{ $json.fileName }}',
		description: 'Where it went (file path, print job), kept in the customer history',
	},
];

const displayOptions = { show: { operation: ['confirmLetters'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const ledger = await getLedger(this);
	const confirmed: INodeExecutionData[] = [];
	const notConfirmed: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const letter = String(this.getNodeParameter('letter', i, '') ?? '').trim();
			const destination = String(this.getNodeParameter('destination', i, '') ?? '').trim() || undefined;
			if (!letter) {
				notConfirmed.push({ json: { status: 'unknown', error: 'This item has no letter reference: connect Confirm Letters after the step that writes the letters of Render Letters.', input: items[i].json }, pairedItem: { item: i } });
				continue;
			}
			const [result] = await confirmLetters(ledger, [{ letter, destination }]);
			(result.status === 'unknown' ? notConfirmed : confirmed).push({ json: { ...result, destination } as unknown as IDataObject, pairedItem: { item: i } });
		} catch (error) {
			if (!isReceivablesError(error) || !this.continueOnFail()) throw toNodeError(this.getNode(), error, i);
			notConfirmed.push({ json: { ...errorJson(error), input: items[i].json } as IDataObject, pairedItem: { item: i } });
		}
	}
	return [confirmed, notConfirmed];
}
