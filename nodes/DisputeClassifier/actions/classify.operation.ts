import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import {
	activeDisputeModel,
	classifyDispute,
	classifyWithModel,
	shippedReviewThreshold,
	type ClassifyOptions,
} from '../../../core';
import { getLedger } from '../../shared/transport/ledger';
import { text } from '../helpers/items';
import { eachItem } from '../../shared/operation';

const properties: INodeProperties[] = [
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '={{ $json.textPlain || $json.textHtml || $json.text }}',
		description:
			"The customer's reply or the call note. An e-mail body with its quoted history and signature is fine; HTML is read as text. By default the text of an Email Trigger (IMAP) item.",
	},
	{
		displayName: 'Model',
		name: 'classifyModel',
		type: 'options',
		options: [
			{
				name: 'Shipped Model (No Ledger Needed)',
				value: 'shipped',
				description: 'The model shipped with the package, trained on its labelled replies',
			},
			{
				name: "Company's Active Model (From the Ledger)",
				value: 'company',
				description:
					'The model Retrain Model made active from your reviewed replies, with its calibrated confidence and review threshold; the shipped one while there is none',
			},
		],
		default: 'shipped',
		description: 'Which model reads the replies',
	},
	{
		displayName: 'Put Result In Field',
		name: 'resultField',
		type: 'string',
		default: 'classification',
		description:
			'The field of the output item that receives the classification; the input fields are kept',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Language',
				name: 'language',
				type: 'options',
				options: [
					{ name: 'Detect', value: '' },
					{ name: 'English', value: 'en' },
					{ name: 'French', value: 'fr' },
				],
				default: '',
			},
			{
				displayName: 'Received At',
				name: 'receivedAt',
				type: 'string',
				default: '={{ $json.date }}',
				description:
					'When the message was received (ISO date or e-mail Date header): "vendredi prochain" or "end of month" are resolved against it. Empty: today.',
			},
			{
				displayName: 'Review Below Confidence',
				name: 'reviewThreshold',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
				default: 0,
				description: `Results less sure than this get needsReview = true, for a person to check. 0 (the default): the model’s own threshold — the shipped model’s is ${shippedReviewThreshold()}, set from cross-validation on its labelled replies; a company model carries the one its retraining set.`,
			},
			{
				displayName: 'Subject',
				name: 'subject',
				type: 'string',
				default: '={{ $json.subject }}',
				description: 'The e-mail subject ("Réponse automatique : ...", "Out of Office: ...")',
			},
			{
				displayName: 'Time Zone',
				name: 'zone',
				type: 'string',
				default: 'Europe/Paris',
				description: 'The company time zone, for the day the message was received',
			},
		],
	},
];

const displayOptions = { show: { operation: ['classify'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export const operation = eachItem({
	// The company's model is read once per execution, on the first item that needs it.
	outputs: [
		{
			name: 'Classified',
			meaning: 'The input item with its classification (category, confidence, needs review, notes)',
		},
	],
	async item(i, item) {
		// Any value is accepted: an empty, binary or non-text body gets a clear "needs review" result, never an error.
		const body = this.getNodeParameter('text', i, '') as unknown;
		const options = this.getNodeParameter('options', i, {}) as IDataObject;
		const field = text(this, 'resultField', i, 'classification') || 'classification';
		const classifyOptions: ClassifyOptions = {
			language:
				options.language === 'fr' || options.language === 'en' ? options.language : undefined,
			receivedAt: options.receivedAt ? String(options.receivedAt) : undefined,
			subject: options.subject ? String(options.subject) : undefined,
			zone: options.zone ? String(options.zone) : undefined,
			// 0 or empty: the model's own threshold.
			reviewThreshold:
				Number(options.reviewThreshold) > 0 ? Number(options.reviewThreshold) : undefined,
		};
		if (this.getNodeParameter('classifyModel', i, 'shipped') !== 'company') {
			const result = classifyDispute(body as string, classifyOptions);
			return { json: { ...item.json, [field]: result as unknown as IDataObject } };
		}
		const active = await companyModel(this);
		const result = classifyWithModel(active.model, body, classifyOptions);
		return {
			json: {
				...item.json,
				[field]: { ...result, modelId: active.id ?? 'shipped' } as unknown as IDataObject,
			},
		};
	},
});

type ActiveModel = Awaited<ReturnType<typeof activeDisputeModel>>;
const companyModels = new WeakMap<object, Promise<ActiveModel>>();

/** The company's active model, read from the ledger once per execution (the n8n context object). */
function companyModel(context: Parameters<typeof getLedger>[0]): Promise<ActiveModel> {
	let model = companyModels.get(context);
	if (!model) {
		model = getLedger(context).then((ledger) => activeDisputeModel(ledger));
		companyModels.set(context, model);
	}
	return model;
}
