import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { confirmLabel, type DisputeCategory } from '../../../core';
import { getLedger } from '../../shared/transport/ledger';
import { rejectedItem, text } from '../helpers/items';

const properties: INodeProperties[] = [
	{ displayName: 'Review ID', name: 'reviewId', type: 'string', default: '={{ $json.reviewId }}', required: true },
	{
		displayName: 'Label',
		name: 'label',
		type: 'options',
		options: [
			{ name: 'Administrative (Billing, Credit Notes, Matching)', value: 'administrative' },
			{ name: 'Automatic Reply', value: 'auto_reply' },
			{ name: 'Commercial (Price, Offer Not Suited)', value: 'commercial' },
			{ name: 'Delay Request', value: 'delay_request' },
			{ name: 'Logistics (Delivery, Packaging)', value: 'logistics' },
			{ name: 'Other', value: 'other' },
			{ name: 'Payment Promise', value: 'payment_promise' },
			{ name: 'Payment Sent', value: 'payment_sent' },
			{ name: 'Technical (Malfunction, Service)', value: 'technical' },
		],
		default: 'other',
		description: 'What the reply is really about. Kept with the text to retrain the classifier.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{ displayName: 'Actor', name: 'actor', type: 'string', default: '', description: 'Who gives the label' },
			{ displayName: 'Customer Code', name: 'customer', type: 'string', default: '', description: 'For a dispute label when the reply names no invoice of the ledger' },
			{ displayName: 'Note', name: 'note', type: 'string', default: '' },
			{ displayName: 'Open Dispute', name: 'openDispute', type: 'boolean', default: true, description: 'Whether a dispute label (administrative, logistics, commercial, technical) opens the dispute in the same step' },
			{ displayName: 'Subcategory', name: 'subcategory', type: 'string', default: '' },
		],
	},
];

const displayOptions = { show: { operation: ['confirmLabel'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const ledger = await getLedger(this);
	const done: INodeExecutionData[] = [];
	const rejected: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		const options = this.getNodeParameter('options', i, {}) as IDataObject;
		try {
			const result = await confirmLabel(ledger, {
				reviewId: text(this, 'reviewId', i),
				label: text(this, 'label', i) as DisputeCategory,
				subcategory: options.subcategory ? String(options.subcategory) : null,
				actor: options.actor ? String(options.actor) : undefined,
				note: options.note ? String(options.note) : null,
				customer: options.customer ? String(options.customer) : null,
				openDispute: options.openDispute !== false,
			});
			done.push({ json: { ...result } as unknown as IDataObject, pairedItem: { item: i } });
		} catch (error) {
			rejected.push(rejectedItem(this, error, i, items[i].json));
		}
	}
	return [done, rejected];
}
