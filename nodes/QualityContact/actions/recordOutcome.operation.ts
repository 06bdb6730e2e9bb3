import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import {
	OUTCOME_FAMILIES,
	recordCallOutcome,
	type CallOutcome,
	type ChecklistKey,
	type DisputeLedgerCategory,
	type Ledger,
	type OutcomeFamily,
} from '../../../core';
import { list, text } from '../helpers/items';
import { eachItem, ledgerSetup, type OutputSpec } from '../../shared/operation';

const properties: INodeProperties[] = [
	{
		displayName: 'Call Task ID',
		name: 'taskId',
		type: 'string',
		default: '={{ $json.taskId }}',
		description: 'The task from Plan Calls. Empty: a call of the day for the customer below.',
	},
	{
		displayName: 'Customer Code',
		name: 'customer',
		type: 'string',
		default: '',
		description: 'Who was called, when the call was not planned (or to check the task)',
	},
	{
		displayName: 'Outcome',
		name: 'outcome',
		type: 'options',
		options: [
			{ name: 'Confirmed for Payment', value: 'confirmed' },
			{
				name: 'Dispute',
				value: 'dispute',
				description: 'Opens a dispute: dunning of the invoices pauses',
			},
			{
				name: 'Not Received',
				value: 'not_received',
				description: 'The invoice is flagged to be sent again',
			},
			{
				name: 'Payment Sent',
				value: 'payment_sent',
				description: 'Dunning waits a few days for the bank',
			},
			{
				name: 'Promise to Pay',
				value: 'promise',
				description: 'Dunning is held until the promised date',
			},
			{ name: 'Received, Not Booked', value: 'received_not_booked' },
			{ name: 'Unreachable', value: 'unreachable' },
			{ name: 'Voicemail', value: 'voicemail' },
			{ name: 'Waiting for Approval', value: 'waiting_approval' },
			{ name: 'Wrong Contact', value: 'wrong_contact' },
		],
		default: 'confirmed',
	},
	{
		displayName: 'Promised Date',
		name: 'promiseDate',
		type: 'string',
		default: '',
		placeholder: '2026-03-20',
		required: true,
		displayOptions: { show: { outcome: ['promise'] } },
	},
	{
		displayName: 'Promised Amount',
		name: 'promiseAmount',
		type: 'string',
		default: '',
		placeholder: '1 500,00',
		description: 'Empty: the open amount of the invoices',
		displayOptions: { show: { outcome: ['promise'] } },
	},
	{
		displayName: 'Payment Reference',
		name: 'paymentReference',
		type: 'string',
		default: '',
		displayOptions: { show: { outcome: ['payment_sent'] } },
	},
	{
		displayName: 'Dispute Category',
		name: 'disputeCategory',
		type: 'options',
		options: [
			{ name: 'Administrative', value: 'administrative' },
			{ name: 'Commercial', value: 'commercial' },
			{ name: 'Logistics', value: 'logistics' },
			{ name: 'Other', value: 'other' },
			{ name: 'Technical', value: 'technical' },
		],
		default: 'administrative',
		displayOptions: { show: { outcome: ['dispute'] } },
	},
	{
		displayName: 'Dispute Subcategory',
		name: 'disputeSubcategory',
		type: 'string',
		default: '',
		placeholder: 'price_error',
		displayOptions: { show: { outcome: ['dispute'] } },
	},
	{
		displayName: 'Notes',
		name: 'notes',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		description: 'What the customer said',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Actor',
				name: 'actor',
				type: 'string',
				default: '',
				description: 'Who called (staff code)',
			},
			{ displayName: 'Answer: Booked', name: 'booked', type: 'boolean', default: true },
			{ displayName: 'Answer: Conform', name: 'conform', type: 'boolean', default: true },
			{ displayName: 'Answer: Paid at Due Date', name: 'payAtDue', type: 'boolean', default: true },
			{ displayName: 'Answer: Received', name: 'received', type: 'boolean', default: true },
			{
				displayName: 'Call Day',
				name: 'asOf',
				type: 'string',
				default: '',
				description:
					'Day of the call (YYYY-MM-DD, not in the future): the promises and dispute it records take effect that day in the reports. Empty: today.',
			},
			{
				displayName: 'Channel',
				name: 'channel',
				type: 'options',
				options: [
					{ name: 'Call', value: 'call' },
					{ name: 'E-Mail', value: 'email' },
				],
				default: 'call',
				description:
					'How the customer answered (an e-mail read by the dispute inbox is recorded the same way)',
			},
			{
				displayName: 'Days for the Bank',
				name: 'paymentTransitDays',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 5,
				description: 'After "payment sent", dunning waits this many days',
			},
			{
				displayName: 'Invoice Numbers',
				name: 'invoices',
				type: 'string',
				default: '',
				description:
					'The invoices concerned (comma-separated). Empty: those of the task. Without task nor customer, they tell who the customer is.',
			},
			{
				displayName: 'Maximum Attempts',
				name: 'maxAttempts',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 3,
				description: 'Voicemail or unreachable: the task stays open until this many attempts',
			},
			{
				displayName: 'Source Reference',
				name: 'sourceRef',
				type: 'string',
				default: '',
				description:
					'For an e-mail: its Message-ID. The same message recorded twice changes nothing.',
			},
			{ displayName: 'Time Zone', name: 'zone', type: 'string', default: 'Europe/Paris' },
		],
	},
];

const displayOptions = { show: { operation: ['recordOutcome'] } };

export const description = updateDisplayOptions(displayOptions, properties);

/** One output per outcome family (in the order of OUTCOME_FAMILIES), then Rejected. */
const FAMILY_OUTPUTS: Record<OutcomeFamily, OutputSpec> = {
	confirmed: {
		name: 'Confirmed',
		meaning:
			'The customer confirmed the invoices are received, booked and will be paid at due date',
	},
	invoice_issue: {
		name: 'Invoice Issue',
		meaning: 'Not received, not booked or not conform: a task to fix the invoice',
	},
	dispute: { name: 'Dispute', meaning: 'A dispute was opened on the invoices' },
	promise: { name: 'Promise', meaning: 'A payment promise (date and amount) was recorded' },
	payment_sent: { name: 'Payment Sent', meaning: 'The customer says the payment is on its way' },
	no_contact: {
		name: 'No Contact',
		meaning:
			'Voicemail, unreachable or wrong contact: the call is planned again (or given up after the last attempt)',
	},
};

export const operation = eachItem({
	outputs: [
		...OUTCOME_FAMILIES.map((family) => FAMILY_OUTPUTS[family]),
		{
			name: 'Rejected',
			meaning: 'An outcome refused: what is wrong and how to fix it, with the input',
			rejects: true,
		},
	],
	setup: ledgerSetup,
	async item(i, _item, ledger: Ledger) {
		const options = this.getNodeParameter('options', i, {}) as IDataObject;
		const outcome = text(this, 'outcome', i) as CallOutcome;
		const answers: Partial<Record<ChecklistKey, boolean>> = {};
		for (const key of ['received', 'booked', 'conform', 'payAtDue'] as ChecklistKey[])
			if (typeof options[key] === 'boolean') answers[key] = options[key] as boolean;
		const result = await recordCallOutcome(ledger, {
			taskId: text(this, 'taskId', i) || null,
			customer: text(this, 'customer', i) || null,
			outcome,
			invoices: list(options.invoices),
			answers,
			promiseDate: outcome === 'promise' ? text(this, 'promiseDate', i) : null,
			promiseAmount: outcome === 'promise' ? text(this, 'promiseAmount', i) : null,
			paymentReference:
				outcome === 'payment_sent' ? text(this, 'paymentReference', i) || null : null,
			paymentTransitDays:
				typeof options.paymentTransitDays === 'number' ? options.paymentTransitDays : undefined,
			disputeCategory:
				outcome === 'dispute'
					? (text(this, 'disputeCategory', i) as DisputeLedgerCategory)
					: undefined,
			disputeSubcategory:
				outcome === 'dispute' ? text(this, 'disputeSubcategory', i) || null : null,
			notes: text(this, 'notes', i) || null,
			actor: options.actor ? String(options.actor) : null,
			channel: options.channel === 'email' ? 'email' : 'call',
			sourceRef: options.sourceRef ? String(options.sourceRef) : null,
			asOf: options.asOf ? String(options.asOf) : undefined,
			zone: options.zone ? String(options.zone) : undefined,
			maxAttempts: typeof options.maxAttempts === 'number' ? options.maxAttempts : undefined,
		});
		return {
			json: { ...result } as unknown as IDataObject,
			output: FAMILY_OUTPUTS[result.family].name,
		};
	},
});
