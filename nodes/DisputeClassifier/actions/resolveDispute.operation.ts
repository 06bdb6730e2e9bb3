import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { resolveDispute, type DisputeResolution, type Ledger } from '../../../core';
import { text } from '../helpers/items';
import { eachItem, ledgerSetup } from '../../shared/operation';

const properties: INodeProperties[] = [
	{
		displayName: 'Dispute ID',
		name: 'disputeId',
		type: 'string',
		default: '={{ $json.disputeId }}',
		required: true,
	},
	{
		displayName: 'Resolution',
		name: 'resolution',
		type: 'options',
		options: [
			{ name: 'Corrected Invoice', value: 'corrected_invoice' },
			{ name: 'Credit Note', value: 'credit_note' },
			{ name: 'Justified (Other Remedy)', value: 'justified' },
			{ name: 'Other', value: 'other' },
			{ name: 'Re-Delivery', value: 'redelivery' },
			{ name: 'Unjustified', value: 'unjustified' },
			{ name: 'Withdrawn by the Customer', value: 'withdrawn' },
		],
		default: 'credit_note',
	},
	{
		displayName: 'Root Cause',
		name: 'rootCause',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Price list not updated',
		description: "Why it happened, in the company's words: the dispute analysis groups by it",
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{ displayName: 'Actor', name: 'actor', type: 'string', default: '' },
			{
				displayName: 'Resolved On',
				name: 'asOf',
				type: 'string',
				default: '',
				placeholder: '2026-03-31',
				description:
					'Day the dispute was resolved (YYYY-MM-DD, not before it was opened, not in the future). Empty: today.',
			},
			{
				displayName: 'Customer Was Right',
				name: 'justified',
				type: 'options',
				options: [
					{ name: 'From the Resolution', value: '' },
					{ name: 'Yes', value: 'yes' },
					{ name: 'No', value: 'no' },
				],
				default: '',
				description:
					'Whether the dispute was justified; by default credit note, re-delivery, corrected invoice and "justified" mean yes',
			},
			{ displayName: 'Note', name: 'note', type: 'string', typeOptions: { rows: 2 }, default: '' },
		],
	},
];

const displayOptions = { show: { operation: ['resolveDispute'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export const operation = eachItem({
	outputs: [
		{ name: 'Resolved', meaning: 'The dispute closed with its resolution and root cause' },
		{
			name: 'Rejected',
			meaning: 'A resolution refused: unknown or closed dispute, missing root cause',
			rejects: true,
		},
	],
	setup: ledgerSetup,
	async item(i, _item, ledger: Ledger) {
		const options = this.getNodeParameter('options', i, {}) as IDataObject;
		const result = await resolveDispute(ledger, {
			disputeId: text(this, 'disputeId', i),
			resolution: text(this, 'resolution', i) as DisputeResolution,
			rootCause: text(this, 'rootCause', i),
			justified:
				options.justified === 'yes' ? true : options.justified === 'no' ? false : undefined,
			note: options.note ? String(options.note) : null,
			actor: options.actor ? String(options.actor) : undefined,
			asOf: options.asOf ? String(options.asOf) : undefined,
			zone: this.getTimezone(),
		});
		return { json: { ...result } as IDataObject };
	},
});
