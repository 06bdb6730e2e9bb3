import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { confirmLabel, type DisputeCategory, type Ledger } from '../../../core';
import { DISPUTE_CATEGORY_OPTIONS, text } from '../helpers/items';
import { eachItem, ledgerSetup } from '../../shared/operation';

const properties: INodeProperties[] = [
	{
		displayName: 'Review ID',
		name: 'reviewId',
		type: 'string',
		default: '={{ $json.reviewId }}',
		required: true,
	},
	{
		displayName: 'Label',
		name: 'label',
		type: 'options',
		options: [
			...DISPUTE_CATEGORY_OPTIONS,
			{ name: 'Automatic Reply', value: 'auto_reply' },
			{ name: 'Delay Request', value: 'delay_request' },
			{ name: 'Payment Promise', value: 'payment_promise' },
			{ name: 'Payment Sent', value: 'payment_sent' },
		].sort((a, b) => a.name.localeCompare(b.name)),
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
			{
				displayName: 'Actor',
				name: 'actor',
				type: 'string',
				default: '',
				description: 'Who gives the label',
			},
			{
				displayName: 'Customer Code',
				name: 'customer',
				type: 'string',
				default: '',
				description: 'For a dispute label when the reply names no invoice of the ledger',
			},
			{ displayName: 'Note', name: 'note', type: 'string', default: '' },
			{
				displayName: 'Open Dispute',
				name: 'openDispute',
				type: 'boolean',
				default: true,
				description:
					'Whether a dispute label (administrative, logistics, commercial, technical) opens the dispute in the same step',
			},
			{ displayName: 'Subcategory', name: 'subcategory', type: 'string', default: '' },
		],
	},
];

const displayOptions = { show: { operation: ['confirmLabel'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export const operation = eachItem({
	outputs: [
		{
			name: 'Labelled',
			meaning: 'The review confirmed with its label (and the dispute opened, if asked)',
		},
		{
			name: 'Rejected',
			meaning: 'A label refused: unknown review, already reviewed, unknown label',
			rejects: true,
		},
	],
	setup: ledgerSetup,
	async item(i, _item, ledger: Ledger) {
		const options = this.getNodeParameter('options', i, {}) as IDataObject;
		const result = await confirmLabel(ledger, {
			reviewId: text(this, 'reviewId', i),
			label: text(this, 'label', i) as DisputeCategory,
			subcategory: options.subcategory ? String(options.subcategory) : null,
			actor: options.actor ? String(options.actor) : undefined,
			note: options.note ? String(options.note) : null,
			customer: options.customer ? String(options.customer) : null,
			openDispute: options.openDispute !== false,
		});
		return { json: { ...result } as IDataObject };
	},
});
