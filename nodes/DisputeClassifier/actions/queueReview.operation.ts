import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { queueReview, type Ledger, type QueueReviewInput } from '../../../core';
import { text } from '../helpers/items';
import { eachItem, ledgerSetup } from '../../shared/operation';

const properties: INodeProperties[] = [
	{
		displayName: 'Text',
		name: 'reviewText',
		type: 'string',
		typeOptions: { rows: 4 },
		default:
			'={{ $json.textPlain || $json.textHtml || $json.text || $json.input?.textPlain || $json.input?.text }}',
		description: 'The reply a person must read (the e-mail body)',
	},
	{
		displayName: 'Classification Field',
		name: 'classificationField',
		type: 'string',
		default: 'classification',
		description:
			'Field of the item holding the result of Classify (the input item of a Rejected output is read too)',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Reason',
				name: 'reason',
				type: 'string',
				default: '={{ $json.code ? $json.code.toLowerCase() : "low_confidence" }}',
				description: 'Why a person must look',
			},
			{
				displayName: 'Received At',
				name: 'receivedAt',
				type: 'string',
				default: '={{ $json.date || $json.input?.date }}',
			},
			{
				displayName: 'Sender',
				name: 'sender',
				type: 'string',
				default: '={{ $json.from || $json.input?.from }}',
			},
			{ displayName: 'Source', name: 'source', type: 'string', default: 'email' },
			{
				displayName: 'Source Reference',
				name: 'sourceRef',
				type: 'string',
				default: '={{ $json.metadata?.["message-id"] || $json.input?.metadata?.["message-id"] }}',
				description: 'The e-mail Message-ID: the same message is queued once',
			},
			{
				displayName: 'Subject',
				name: 'subject',
				type: 'string',
				default: '={{ $json.subject || $json.input?.subject }}',
			},
		],
	},
];

const displayOptions = { show: { operation: ['queueReview'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export const operation = eachItem({
	outputs: [
		{
			name: 'Queued',
			meaning: 'The message queued for a person to label (once per source reference)',
		},
		{
			name: 'Rejected',
			meaning: 'A message refused: what is wrong and how to fix it',
			rejects: true,
		},
	],
	setup: ledgerSetup,
	async item(i, item, ledger: Ledger) {
		const options = this.getNodeParameter('options', i, {}) as IDataObject;
		const field = text(this, 'classificationField', i) || 'classification';
		const json = item.json;
		const classification = (json[field] ??
			(json.input as IDataObject | undefined)?.[field] ??
			{}) as QueueReviewInput['classification'];
		const optional = (name: string) =>
			options[name] === undefined || options[name] === null || String(options[name]).trim() === ''
				? null
				: String(options[name]);
		const result = await queueReview(ledger, {
			text: text(this, 'reviewText', i),
			classification,
			source: optional('source') ?? 'email',
			sourceRef: optional('sourceRef'),
			receivedAt: optional('receivedAt'),
			sender: optional('sender'),
			subject: optional('subject'),
			reason: optional('reason'),
		});
		return { json: { ...result, classification } as unknown as IDataObject };
	},
});
