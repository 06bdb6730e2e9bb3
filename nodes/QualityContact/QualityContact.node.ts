import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { credentialTest } from '../shared/methods/credentialTest';
import * as exportCallList from './actions/exportCallList.operation';
import * as planCalls from './actions/planCalls.operation';
import * as promiseStats from './actions/promiseStats.operation';
import * as recordOutcome from './actions/recordOutcome.operation';
import { router } from './actions/router';
import * as settlePromises from './actions/settlePromises.operation';

export class QualityContact implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Quality Contact',
		name: 'qualityContact',
		icon: { light: 'file:qualityContact.svg', dark: 'file:qualityContact.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ $parameter["operation"] + ($parameter["outcome"] && $parameter["operation"] === "recordOutcome" ? ": " + $parameter["outcome"] : "") }}',
		description:
			'Calls before the due date: plans the calls by portfolio, records what was said, holds dunning on promises and flags broken ones',
		defaults: { name: 'Quality Contact' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: router.outputs,
		credentials: [
			{
				name: 'receivablesLedgerApi',
				required: true,
				testedBy: 'receivablesLedgerConnectionTest',
				displayOptions: {
					show: { operation: ['planCalls', 'recordOutcome', 'settlePromises', 'promiseStats'] },
				},
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
						name: 'Export Call List',
						value: 'exportCallList',
						description: 'The planned calls as a CSV for spreadsheets or a PDF to print',
						action: 'Export the call list',
					},
					{
						name: 'Plan Calls',
						value: 'planCalls',
						description:
							'Invoices due in N days, grouped by customer, assigned to collectors, with the checklist and recent history',
						action: 'Plan quality calls',
					},
					{
						name: 'Promise Statistics',
						value: 'promiseStats',
						description: 'Promises kept, broken and pending per customer',
						action: 'Count promises per customer',
					},
					{
						name: 'Record Outcome',
						value: 'recordOutcome',
						description: 'What the call ended with: one output per kind of outcome',
						action: 'Record a call outcome',
					},
					{
						name: 'Settle Promises',
						value: 'settlePromises',
						description:
							'Promises whose date passed: kept if paid, otherwise broken, flagged and back in dunning',
						action: 'Settle promises to pay',
					},
				],
				default: 'planCalls',
			},
			...planCalls.description,
			...recordOutcome.description,
			...settlePromises.description,
			...promiseStats.description,
			...exportCallList.description,
		],
	};

	methods = { credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.execute.call(this);
	}
}
