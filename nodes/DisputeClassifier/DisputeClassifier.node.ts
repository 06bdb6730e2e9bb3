import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { credentialTest } from '../shared/methods/credentialTest';
import {
	fromVersion,
	operationParameters,
	resourceOptions,
	type OperationChoice,
	type ResourceChoice,
} from '../shared/resources';
import * as analyse from './actions/analyse.operation';
import * as classify from './actions/classify.operation';
import * as confirmLabel from './actions/confirmLabel.operation';
import * as notify from './actions/notify.operation';
import * as openDispute from './actions/openDispute.operation';
import * as queueReview from './actions/queueReview.operation';
import * as resolveDispute from './actions/resolveDispute.operation';
import * as reviewQueue from './actions/reviewQueue.operation';
import * as retrainModel from './actions/retrainModel.operation';
import { router } from './actions/router';

/** Every operation of the node with its resource (resources from version 2 on, see nodes/shared/resources.ts). */
const OPERATIONS: OperationChoice[] = [
	{
		name: 'Analyse',
		value: 'analyse',
		resource: 'dispute',
		description:
			'Disputes by category, customer, sales rep or root cause: counts, amounts, ages, top causes with examples',
		action: 'Analyse disputes',
	},
	{
		name: 'Classify',
		value: 'classify',
		resource: 'reply',
		description:
			'Read a reply or call note: category, subcategory, confidence, evidence, invoice numbers, amounts, promised date (offline)',
		action: 'Classify a customer reply',
	},
	{
		name: 'Confirm Label',
		value: 'confirmLabel',
		resource: 'reply',
		description:
			'A person gives the right category of a reply waiting for review (kept for retraining); a dispute label opens the dispute',
		action: 'Confirm the label of a reviewed reply',
	},
	{
		name: 'Notify by E-Mail',
		value: 'notify',
		resource: 'reply',
		description:
			"E-mail the dispute owner, the customer's collector or the team what the reply said and what was done",
		action: 'Notify the owner',
	},
	{
		name: 'Open Dispute',
		value: 'openDispute',
		resource: 'dispute',
		description:
			'Open a dispute on invoices of the ledger: pauses their dunning, routes it to its owner with a due date',
		action: 'Open a dispute',
	},
	{
		name: 'Queue for Review',
		value: 'queueReview',
		resource: 'reply',
		description:
			"Put a reply the classifier is not sure about in the ledger's review queue, for a person",
		action: 'Queue a reply for review',
	},
	{
		name: 'Resolve Dispute',
		value: 'resolveDispute',
		resource: 'dispute',
		description:
			'Close a dispute with its resolution and root cause; dunning resumes on invoices still due',
		action: 'Resolve a dispute',
	},
	{
		name: 'Retrain Model',
		value: 'retrainModel',
		resource: 'model',
		description:
			"Train a model of the company's own from the reviewed replies; active only when it does better on replies it never saw",
		action: 'Retrain the classifier',
	},
	{
		name: 'Review Queue',
		value: 'reviewQueue',
		resource: 'reply',
		description: 'The replies waiting for a person, or the labels given (for retraining)',
		action: 'List the review queue',
	},
	{
		name: 'Roll Back Model',
		value: 'rollbackModel',
		resource: 'model',
		description: 'Make the previous model (or a chosen one, or the shipped one) active again',
		action: 'Roll back the classifier',
	},
];

const RESOURCES: ResourceChoice[] = [
	{
		name: 'Reply',
		value: 'reply',
		description:
			'Customer replies and call notes: classify, notify, queue for a person, the labels given',
		defaultOperation: 'classify',
	},
	{
		name: 'Dispute',
		value: 'dispute',
		description: 'Disputes on invoices of the ledger: open, resolve, analyse',
		defaultOperation: 'openDispute',
	},
	{
		name: 'Model',
		value: 'model',
		description: "The classifier's model: retrain on the reviewed replies, roll back",
		defaultOperation: 'retrainModel',
	},
];

export class DisputeClassifier implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Dispute Classifier',
		name: 'disputeClassifier',
		icon: { light: 'file:disputeClassifier.svg', dark: 'file:disputeClassifier.dark.svg' },
		group: ['transform'],
		// Version 2: the operations grouped by resource (version 1 nodes of saved workflows keep the single list).
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{ $parameter["operation"] }}',
		description:
			'Reads customer replies (FR/EN) offline, opens and resolves disputes that pause dunning, analyses them by cause',
		defaults: { name: 'Dispute Classifier' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: router.outputs,
		credentials: [
			{
				name: 'receivablesLedgerApi',
				required: true,
				testedBy: 'receivablesLedgerConnectionTest',
				// Classify needs the ledger only to read the company's active model (classifyModel exists only on Classify).
				displayOptions: {
					show: {
						operation: [
							'classify',
							'openDispute',
							'resolveDispute',
							'analyse',
							'queueReview',
							'reviewQueue',
							'confirmLabel',
							'notify',
							'retrainModel',
							'rollbackModel',
						],
					},
					hide: { classifyModel: ['shipped'] },
				},
			},
			{
				name: 'receivablesSmtpApi',
				required: true,
				testedBy: 'receivablesSmtpConnectionTest',
				displayOptions: { show: { operation: ['notify'] } },
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: fromVersion(2) },
				options: resourceOptions(RESOURCES),
				default: 'reply',
			},
			...operationParameters(OPERATIONS, RESOURCES, 2, 'classify'),
			...classify.description,
			...openDispute.description,
			...resolveDispute.description,
			...analyse.description,
			...queueReview.description,
			...reviewQueue.description,
			...confirmLabel.description,
			...notify.description,
			...retrainModel.description,
		],
	};

	methods = { credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.execute.call(this);
	}
}
