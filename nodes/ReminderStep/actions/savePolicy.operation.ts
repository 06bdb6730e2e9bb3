import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import {
	channelOrderLabel,
	channelOrders,
	placeholderHelp,
	policyFromFields,
	savePolicy,
	STAGE_CHOICES,
	type Ledger,
	type PolicyFields,
	type StageFields,
} from '../../../core';
import { eachItem, ledgerSetup } from '../../shared/operation';

const EXAMPLE = JSON.stringify(
	{
		code: 'sme',
		name: 'SME customers',
		stages: [
			{
				code: 'pre_due',
				kind: 'pre_due',
				offsetDays: -5,
				channels: ['email'],
				template: 'pre_due',
				grouping: 'statement',
			},
			{
				code: 'level1',
				kind: 'reminder',
				level: 1,
				offsetDays: 5,
				channels: ['email', 'letter'],
				template: 'reminder_1',
				grouping: 'statement',
				cc: ['{{salesRep.email}}'],
			},
			{
				code: 'level2',
				kind: 'reminder',
				level: 2,
				offsetDays: 15,
				channels: ['email', 'letter'],
				template: 'reminder_2',
				grouping: 'statement',
				showCharges: true,
			},
			{
				code: 'formal_notice',
				kind: 'formal_notice',
				offsetDays: 45,
				channels: ['letter'],
				template: 'formal_notice',
				grouping: 'statement',
				showCharges: true,
			},
			{
				code: 'thank_you',
				kind: 'thank_you',
				offsetDays: 0,
				channels: ['email'],
				template: 'thank_you',
				grouping: 'statement',
			},
		],
	},
	null,
	2,
);

const PLACEHOLDERS = placeholderHelp();

const channelOptions = channelOrders()
	.map((value) => ({
		name: channelOrderLabel(value, 'en')
			.replace(/^e/, 'E')
			.replace(/, then /g, ' → '),
		value,
	}))
	.sort((a, b) => a.name.localeCompare(b.name));

const wording = (language: 'French' | 'English', suffix: 'Fr' | 'En'): INodeProperties[] => [
	{
		displayName: `Subject (${language})`,
		name: `subject${suffix}`,
		type: 'string',
		default: '',
		description: `Empty: the shipped ${language} subject of this stage. Placeholders: ${PLACEHOLDERS}.`,
	},
	{
		displayName: `Text (${language})`,
		name: `text${suffix}`,
		type: 'string',
		typeOptions: { rows: 8 },
		default: '',
		description: `Empty: the shipped ${language} wording of this stage (Show Dunning Policies lists it, to copy and change). Placeholders: ${PLACEHOLDERS}.`,
	},
];

const stageFields: INodeProperties[] = [
	{
		displayName: 'Stage',
		name: 'stage',
		type: 'options',
		options: STAGE_CHOICES.map((c) => ({ name: `${c.en} (${c.fr})`, value: c.code })),
		default: 'level1',
	},
	{
		displayName: 'Days From Due Date',
		name: 'days',
		type: 'number',
		default: 5,
		description:
			'Negative: before the due date (a pre-due notice, e.g. -5); 0 or more: after it. For a thank-you: days after the payment.',
	},
	{
		displayName: 'Channels (In Order)',
		name: 'channels',
		type: 'options',
		options: channelOptions,
		default: 'email,letter',
		description:
			'The first channel that works for the customer is used: no usable e-mail → the next one',
	},
	{
		displayName: 'Minimum Amount',
		name: 'minimumAmount',
		type: 'string',
		default: '',
		placeholder: 'EUR 5,00; XOF 3000',
		description:
			"Per currency: an invoice whose open amount is below it is not reminded at this stage (held as below_minimum). Empty: the policy's minimum.",
	},
	{
		displayName: 'Cc',
		name: 'cc',
		type: 'string',
		default: '',
		placeholder: '{{salesRep.email}}, credit@example.com',
		description: 'Addresses or placeholders, separated by commas',
	},
	{
		displayName: 'Bcc',
		name: 'bcc',
		type: 'string',
		default: '',
		description: 'Addresses or placeholders, separated by commas',
	},
	{
		displayName: 'Attachments',
		name: 'attachments',
		type: 'string',
		default: '',
		placeholder: 'CGV.pdf',
		description:
			'Names of the files (e.g. the general terms of sale) that Send Reminder E-Mails attaches; separated by commas',
	},
	{
		displayName: 'Attach Invoice Copy',
		name: 'attachInvoiceCopy',
		type: 'boolean',
		default: false,
		description: 'Whether a PDF copy of each invoice goes with the message',
	},
	{
		displayName: 'Show Late-Payment Charges',
		name: 'showCharges',
		type: 'boolean',
		default: false,
		description: 'Whether the message states the late-payment interest and the recovery indemnity',
	},
	{
		displayName: 'One Message Per',
		name: 'grouping',
		type: 'options',
		options: [
			{ name: 'Customer and Currency (Statement)', value: 'statement' },
			{ name: 'Invoice', value: 'invoice' },
		],
		default: 'statement',
	},
	...wording('French', 'Fr'),
	...wording('English', 'En'),
];

const properties: INodeProperties[] = [
	{
		displayName:
			'Checks a dunning policy (one per customer profile) and stores it. A wording with an unknown placeholder, a wrong number of days or channel is refused with what to fix; nothing is stored then. Show Dunning Policies lists what is stored.',
		name: 'policyNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { operation: ['savePolicy'] } },
	},
	{
		displayName: 'Policy Given As',
		name: 'policyInput',
		type: 'options',
		options: [
			{ name: 'Fields', value: 'fields', description: 'Stages and wording typed in the node' },
			{
				name: 'JSON',
				value: 'json',
				description: 'The whole policy as JSON (bulk edits, copies between companies)',
			},
		],
		default: 'json',
		displayOptions: { show: { operation: ['savePolicy'], '@version': [1] } },
	},
	{
		displayName: 'Policy Given As',
		name: 'policyInput',
		type: 'options',
		options: [
			{ name: 'Fields', value: 'fields', description: 'Stages and wording typed in the node' },
			{
				name: 'JSON',
				value: 'json',
				description: 'The whole policy as JSON (bulk edits, copies between companies)',
			},
		],
		default: 'fields',
		displayOptions: { show: { operation: ['savePolicy'], '@version': [{ _cnd: { gte: 2 } }] } },
	},
	{
		displayName: 'Policy To Preview',
		name: 'policyInput',
		type: 'options',
		options: [
			{
				name: 'Stored Policy of the Customer',
				value: 'stored',
				description: "The policy saved for the customer's profile",
			},
			{
				name: 'Fields',
				value: 'fields',
				description: 'Stages and wording typed below, not saved: see them before saving',
			},
			{ name: 'JSON', value: 'json', description: 'A whole policy as JSON, not saved' },
		],
		default: 'stored',
		displayOptions: { show: { operation: ['previewReminder'] } },
	},
	{
		displayName: 'Policy',
		name: 'policyJson',
		type: 'json',
		default: EXAMPLE,
		description:
			'The policy: code (the customer profile), name, stages. Each item may carry its own with an expression.',
		displayOptions: {
			show: { operation: ['savePolicy', 'previewReminder'], policyInput: ['json'] },
		},
	},
	{
		displayName: 'Customer Profile',
		name: 'policyCode',
		type: 'string',
		default: 'standard',
		required: true,
		description:
			"The code of the customer profile this policy is for (customers' profile field), e.g. standard, key_account, risky, export, internal",
		displayOptions: {
			show: { operation: ['savePolicy', 'previewReminder'], policyInput: ['fields'] },
		},
	},
	{
		displayName: 'Policy Name',
		name: 'policyName',
		type: 'string',
		default: '',
		placeholder: 'Standard (SME)',
		displayOptions: {
			show: { operation: ['savePolicy', 'previewReminder'], policyInput: ['fields'] },
		},
	},
	{
		displayName: 'Stages',
		name: 'stages',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Stage',
		default: {},
		description: 'The stages of the policy; the whole list replaces the stored one',
		options: [{ displayName: 'Stage', name: 'stage', values: stageFields }],
		displayOptions: {
			show: { operation: ['savePolicy', 'previewReminder'], policyInput: ['fields'] },
		},
	},
	{
		displayName: 'Policy Options',
		name: 'policyOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: {
			show: { operation: ['savePolicy', 'previewReminder'], policyInput: ['fields'] },
		},
		options: [
			{
				displayName: 'Contract Rate (%)',
				name: 'contractRatePercent',
				type: 'string',
				default: '',
				placeholder: '12.5',
				description:
					'Annual late-payment rate of the contracts, never below 3 × the legal interest rate',
			},
			{
				displayName: 'Governing Law',
				name: 'governingLaw',
				type: 'string',
				default: '',
				placeholder: 'FR',
				description:
					"Country whose law governs the late-payment charges (two letters); empty: the company's country",
			},
			{
				displayName: 'Minimum Amount',
				name: 'minimumAmount',
				type: 'string',
				default: '',
				placeholder: 'EUR 5,00; XOF 3000',
				description: 'Per currency, for every stage that gives none',
			},
		],
	},
];

/** Shared with Preview Reminder, which shows the policy fields too (each property names its operations). */
export const description = properties;

/** The policy of the node's fields or JSON, not checked yet (savePolicy and the preview check it); undefined: the stored one. */
export function policyInputOf(ctx: IExecuteFunctions, i: number): unknown {
	const mode = ctx.getNodeParameter('policyInput', i, 'json');
	if (mode === 'fields') {
		const options = ctx.getNodeParameter('policyOptions', i, {}) as Partial<PolicyFields>;
		const fields: PolicyFields = {
			code: ctx.getNodeParameter('policyCode', i, '') as string,
			name: ctx.getNodeParameter('policyName', i, '') as string,
			stages: (ctx.getNodeParameter('stages', i, {}) as { stage?: StageFields[] }).stage ?? [],
			...options,
		};
		// Field problems (no stage, a stage twice, a wrong amount) are ReceivablesErrors: Rejected, like the rest.
		return policyFromFields(fields);
	}
	// JSON text is parsed by the core (invalid JSON goes to Rejected like any invalid policy).
	if (mode === 'json') return ctx.getNodeParameter('policyJson', i, {});
	return undefined;
}

export const operation = eachItem({
	outputs: [
		{ name: 'Saved', meaning: 'The policy stored: its code, created or updated, its stages' },
		{
			name: 'Rejected',
			meaning: 'A policy refused: what is wrong (stage, placeholder…) and how to fix it',
			rejects: true,
		},
	],
	setup: ledgerSetup,
	async item(i, _item, ledger: Ledger) {
		const input = policyInputOf(this, i);
		const result = await savePolicy(ledger, input);
		return {
			json: {
				code: result.policy.code,
				status: result.status,
				stages: result.policy.stages.map((s) => s.code),
			},
		};
	},
});
