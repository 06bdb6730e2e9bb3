import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { retrainDisputeModel, rollbackDisputeModel } from '../../../core';
import { getLedger } from '../../shared/transport/ledger';
import { batch } from '../../shared/operation';

const properties: INodeProperties[] = [
	{
		displayName:
			"Trains a model of the company's own from the shipped labelled replies plus the replies your people reviewed (Confirm Label), measures it on a part of those reviews it never saw, calibrates its confidence so that what it decides alone is right at the target rate, and makes it active only when it does better than the active model. Every model is kept with its scores; Roll Back Model returns to the previous one.",
		name: 'retrainNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { operation: ['retrainModel'] } },
	},
	{
		displayName: 'Options',
		name: 'retrainOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { operation: ['retrainModel'] } },
		options: [
			{
				displayName: 'Held-Out Share',
				name: 'holdoutShare',
				type: 'number',
				typeOptions: { minValue: 0.1, maxValue: 0.5, numberPrecision: 2 },
				default: 0.3,
				description:
					'Share of the reviewed replies kept apart to measure the model (never trained on)',
			},
			{
				displayName: 'Minimum Reviewed Replies',
				name: 'minExamples',
				type: 'number',
				typeOptions: { minValue: 10 },
				default: 30,
				description: 'Nothing is trained below this many reviewed replies',
			},
			{
				displayName: 'Target Accuracy When Automatic',
				name: 'targetAutoAccuracy',
				type: 'number',
				typeOptions: { minValue: 0.5, maxValue: 1, numberPrecision: 3 },
				default: 0.97,
				description:
					'Accuracy wanted among the replies handled without a person; the review threshold is set for it',
			},
		],
	},
	{
		displayName: 'Model',
		name: 'rollbackTo',
		type: 'string',
		default: '',
		placeholder: 'previous',
		description:
			'The ID of the model to make active again; empty: the one active before the current one; "shipped": the model shipped with the package',
		displayOptions: { show: { operation: ['rollbackModel'] } },
	},
];

export const description = updateDisplayOptions(
	{ show: { operation: ['retrainModel', 'rollbackModel'] } },
	properties,
);

export const operation = batch({
	outputs: [
		{
			name: 'Result',
			meaning:
				"What the retraining did (activated, kept, not enough reviewed replies) with both models' scores, FR/EN",
		},
	],
	async batch() {
		const ledger = await getLedger(this);
		const options = this.getNodeParameter('retrainOptions', 0, {}) as IDataObject;
		const result = await retrainDisputeModel(ledger, {
			holdoutShare: typeof options.holdoutShare === 'number' ? options.holdoutShare : undefined,
			minExamples: typeof options.minExamples === 'number' ? options.minExamples : undefined,
			targetAutoAccuracy:
				typeof options.targetAutoAccuracy === 'number' ? options.targetAutoAccuracy : undefined,
			actor: `n8n:${this.getWorkflow().id ?? 'workflow'}`,
		});
		return [
			{
				json: {
					status: result.status,
					modelId: result.modelId ?? null,
					companyExamples: result.companyExamples,
					candidate: (result.candidate ?? null) as IDataObject | null,
					active: (result.active ?? null) as IDataObject | null,
					message: result.message.en,
					messageFr: result.message.fr,
				},
			},
		];
	},
});

export const rollback = batch({
	outputs: [{ name: 'Result', meaning: 'The model now active (null: the shipped one)' }],
	async batch() {
		const ledger = await getLedger(this);
		const to = String(this.getNodeParameter('rollbackTo', 0, '') ?? '').trim();
		const result = await rollbackDisputeModel(ledger, {
			modelId: to === '' || to === 'previous' ? undefined : to,
			actor: `n8n:${this.getWorkflow().id ?? 'workflow'}`,
		});
		return [
			{
				json: {
					activeModelId: result.activeModelId,
					message: result.activeModelId
						? `Model #${result.activeModelId} is active.`
						: 'The shipped model is active.',
					messageFr: result.activeModelId
						? `Le modèle n°${result.activeModelId} est actif.`
						: 'Le modèle livré avec le paquet est actif.',
				},
			},
		];
	},
});
