import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { savePolicy, type Ledger } from '../../../core';
import { eachItem, ledgerSetup } from '../../shared/operation';

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

export const operation = eachItem({
	outputs: [
		{ name: 'Saved', meaning: 'The policy stored: its code, created or updated, its stages' },
		{ name: 'Rejected', meaning: 'A policy refused: what is wrong (stage, placeholder…) and how to fix it', rejects: true },
	],
	setup: ledgerSetup,
	async item(i, _item, ledger: Ledger) {
		// JSON text is parsed by the core (invalid JSON goes to Rejected like any invalid policy).
		const result = await savePolicy(ledger, this.getNodeParameter('policyJson', i, {}));
		return { json: { code: result.policy.code, status: result.status, stages: result.policy.stages.map((s) => s.code) } };
	},
});
