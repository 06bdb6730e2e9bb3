import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { isReceivablesError, savePolicy } from '../../../core';
import { errorJson, toNodeError } from '../../shared/errors';
import { getLedger } from '../../shared/transport/ledger';

const EXAMPLE = JSON.stringify(
	{
		code: 'sme',
		name: 'SME customers',
		stages: [
			{ code: 'pre_due', kind: 'pre_due', offsetDays: -5, channels: ['email'], template: 'pre_due', grouping: 'statement' },
			{ code: 'level1', kind: 'reminder', level: 1, offsetDays: 5, channels: ['email', 'letter'], template: 'reminder_1', grouping: 'statement', cc: ['{{salesRep.email}}'] },
			{ code: 'level2', kind: 'reminder', level: 2, offsetDays: 15, channels: ['email', 'letter'], template: 'reminder_2', grouping: 'statement', showCharges: true },
			{ code: 'formal_notice', kind: 'formal_notice', offsetDays: 45, channels: ['letter'], template: 'formal_notice', grouping: 'statement', showCharges: true },
			{ code: 'thank_you', kind: 'thank_you', offsetDays: 0, channels: ['email'], template: 'thank_you', grouping: 'statement' },
		],
	},
	null,
	2,
);

const properties: INodeProperties[] = [
	{
		displayName:
			'Checks a dunning policy (one per customer profile) and stores it. A template with an unknown placeholder, a wrong offset or channel is refused with what to fix; nothing is stored then.',
		name: 'policyNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Policy',
		name: 'policyJson',
		type: 'json',
		default: EXAMPLE,
		description: 'The policy: code (the customer profile), name, stages. Each item may carry its own with an expression.',
	},
];

const displayOptions = { show: { operation: ['savePolicy'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const ledger = await getLedger(this);
	const saved: INodeExecutionData[] = [];
	const rejected: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		let input: unknown = this.getNodeParameter('policyJson', i, {});
		try {
			if (typeof input === 'string') input = JSON.parse(input);
			const result = await savePolicy(ledger, input);
			saved.push({ json: { code: result.policy.code, status: result.status, stages: result.policy.stages.map((s) => s.code) }, pairedItem: { item: i } });
		} catch (error) {
			if (!isReceivablesError(error) && !(error instanceof SyntaxError)) throw toNodeError(this.getNode(), error, i);
			const details = isReceivablesError(error) ? (error.details as IDataObject | undefined) : undefined;
			rejected.push({ json: { ...errorJson(error), ...(details ?? {}), input: items[i].json }, pairedItem: { item: i } });
		}
	}
	return [saved, rejected];
}
