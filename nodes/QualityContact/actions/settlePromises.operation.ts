import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { settlePromises } from '../../../core';
import { toNodeError } from '../../shared/errors';
import { getLedger } from '../../shared/transport/ledger';

const properties: INodeProperties[] = [
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{ displayName: 'As Of', name: 'asOf', type: 'string', default: '', description: 'Promises dated before this day and not paid are broken (YYYY-MM-DD). Empty: today.' },
			{ displayName: 'Time Zone', name: 'zone', type: 'string', default: 'Europe/Paris' },
		],
	},
];

const displayOptions = { show: { operation: ['settlePromises'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	let result;
	try {
		result = await settlePromises(await getLedger(this), { asOf: options.asOf ? String(options.asOf) : undefined, zone: options.zone ? String(options.zone) : undefined });
	} catch (error) {
		throw toNodeError(this.getNode(), error, 0);
	}
	const wrap = (p: object) => ({ json: { ...p, asOf: result.asOf } as IDataObject, pairedItem: { item: 0 } });
	return [result.kept.map(wrap), result.broken.map(wrap)];
}
