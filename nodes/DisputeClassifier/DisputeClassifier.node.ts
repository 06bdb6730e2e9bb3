import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { credentialTest } from '../shared/methods/credentialTest';
import * as analyse from './actions/analyse.operation';
import * as classify from './actions/classify.operation';
import * as openDispute from './actions/openDispute.operation';
import * as resolveDispute from './actions/resolveDispute.operation';
import { router } from './actions/router';

/** The outputs follow the operation; n8n evaluates this function's source text in the editor. */
const configuredOutputs = (parameters: { operation?: string }) => {
	const byOperation: Record<string, string[]> = {
		classify: ['Classified'],
		openDispute: ['Opened', 'Rejected'],
		resolveDispute: ['Resolved', 'Rejected'],
		analyse: ['Analysis'],
	};
	return (byOperation[parameters.operation ?? ''] ?? ['Done']).map((displayName) => ({ type: 'main', displayName }));
};

export class DisputeClassifier implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Dispute Classifier',
		name: 'disputeClassifier',
		icon: { light: 'file:disputeClassifier.svg', dark: 'file:disputeClassifier.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] }}',
		description: 'Reads customer replies (FR/EN) offline, opens and resolves disputes that pause dunning, analyses them by cause',
		defaults: { name: 'Dispute Classifier' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{(${configuredOutputs})($parameter)}}`,
		credentials: [
			{
				name: 'receivablesLedgerApi',
				required: true,
				testedBy: 'receivablesLedgerConnectionTest',
				displayOptions: { show: { operation: ['openDispute', 'resolveDispute', 'analyse'] } },
			},
		],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Analyse',
						value: 'analyse',
						description: 'Disputes by category, customer, sales rep or root cause: counts, amounts, ages, top causes with examples',
						action: 'Analyse disputes',
					},
					{
						name: 'Classify',
						value: 'classify',
						description: 'Read a reply or call note: category, subcategory, confidence, evidence, invoice numbers, amounts, promised date (offline)',
						action: 'Classify a customer reply',
					},
					{
						name: 'Open Dispute',
						value: 'openDispute',
						description: 'Open a dispute on invoices of the ledger: pauses their dunning, routes it to its owner with a due date',
						action: 'Open a dispute',
					},
					{
						name: 'Resolve Dispute',
						value: 'resolveDispute',
						description: 'Close a dispute with its resolution and root cause; dunning resumes on invoices still due',
						action: 'Resolve a dispute',
					},
				],
				default: 'classify',
			},
			...classify.description,
			...openDispute.description,
			...resolveDispute.description,
			...analyse.description,
		],
	};

	methods = { credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
