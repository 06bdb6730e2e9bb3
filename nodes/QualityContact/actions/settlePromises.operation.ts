import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { settlePromises } from '../../../core';
import { batch } from '../../shared/operation';
import { getLedger } from '../../shared/transport/ledger';

const properties: INodeProperties[] = [
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'As Of',
				name: 'asOf',
				type: 'string',
				default: '',
				description:
					"The settlement's effective date (YYYY-MM-DD, not in the future): promises dated before this day and not paid by then are broken, as the ledger stood that day; reports as of later dates see them settled from that day. Empty: today.",
			},
			{ displayName: 'Time Zone', name: 'zone', type: 'string', default: 'Europe/Paris' },
		],
	},
];

const displayOptions = { show: { operation: ['settlePromises'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export const operation = batch({
	outputs: [
		{ name: 'Kept', meaning: 'A payment promise kept (paid by its date)' },
		{ name: 'Broken', meaning: 'A payment promise broken: the invoices go back into dunning' },
	],
	async batch() {
		const options = this.getNodeParameter('options', 0, {}) as IDataObject;
		const result = await settlePromises(await getLedger(this), {
			asOf: options.asOf ? String(options.asOf) : undefined,
			zone: options.zone ? String(options.zone) : undefined,
		});
		const wrap = (output: string) => (p: object) => ({
			output,
			json: { ...p, asOf: result.asOf } as IDataObject,
		});
		return [...result.kept.map(wrap('Kept')), ...result.broken.map(wrap('Broken'))];
	},
});
