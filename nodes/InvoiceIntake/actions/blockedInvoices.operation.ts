import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { DEFAULT_ZONE, listBlockedInvoices } from '../../../core';
import { eachItem, type Result } from '../../shared/operation';
import { getLedger } from '../../shared/transport/ledger';

const properties: INodeProperties[] = [
	{
		displayName: 'Time Zone',
		name: 'blockedZone',
		type: 'string',
		default: DEFAULT_ZONE,
		description: "Zone in which the statuses' days are counted",
	},
];

const displayOptions = { show: { operation: ['blockedInvoices'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export const operation = eachItem({
	outputs: [
		{
			name: 'Invoices',
			meaning:
				'One open invoice the buyer refused (210) or the platform rejected (213, 501), with the reason, since when, what to do and its intake anomalies (FR/EN)',
		},
	],
	async item(i) {
		// once per run: the input item only starts it
		if (i > 0) return [];
		const zone = (this.getNodeParameter('blockedZone', 0, DEFAULT_ZONE) as string) || DEFAULT_ZONE;
		const list = await listBlockedInvoices(await getLedger(this), { zone });
		return list.map(
			(b): Result => ({
				json: {
					invoiceNumber: b.invoiceNumber,
					customerId: b.customerExternalId,
					customerName: b.customerName,
					statusCode: b.statusCode,
					status: b.status.en,
					statusFr: b.status.fr,
					reasonCode: b.reasonCode,
					reasonText: b.reasonText,
					since: b.since,
					days: b.days,
					openAmount: b.openAmount,
					currency: b.currency,
					todo: b.todo.en,
					todoFr: b.todo.fr,
					anomalies: b.anomalies as unknown as IDataObject[],
				},
			}),
		);
	},
});
