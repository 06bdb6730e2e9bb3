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
import * as confirmLetters from './actions/confirmLetters.operation';
import * as decideReminder from './actions/decideReminder.operation';
import * as digest from './actions/digest.operation';
import * as lateCharges from './actions/lateCharges.operation';
import * as plan from './actions/plan.operation';
import * as previewReminder from './actions/previewReminder.operation';
import * as processBounce from './actions/processBounce.operation';
import * as reconcile from './actions/reconcile.operation';
import * as recordOutcome from './actions/recordOutcome.operation';
import * as renderLetter from './actions/renderLetter.operation';
import { router } from './actions/router';
import * as savePolicy from './actions/savePolicy.operation';
import * as sendEmail from './actions/sendEmail.operation';
import * as showPolicies from './actions/showPolicies.operation';
import * as statementOfCharges from './actions/statementOfCharges.operation';
import * as timeline from './actions/timeline.operation';

/** Every operation of the node with its resource (resources from version 3 on, see nodes/shared/resources.ts). */
const OPERATIONS: OperationChoice[] = [
	{
		name: 'Compute Late-Payment Charges',
		value: 'lateCharges',
		resource: 'lateCharge',
		description:
			'Interest at the ECB rate + 10 points (or a contract rate, never below 3 × the legal interest rate) and the €40 recovery indemnity, per item',
		action: 'Compute late payment charges',
	},
	{
		name: 'Confirm Letters',
		value: 'confirmLetters',
		resource: 'letter',
		description: 'After Write File or the print step: record the letters of Render Letters as sent',
		action: 'Confirm letters written or printed',
	},
	{
		name: 'Daily Digest',
		value: 'digest',
		resource: 'reminder',
		description:
			'For each collector: what goes out today per stage, letters to print, recent failures; optionally e-mailed',
		action: 'Build the daily digest',
	},
	{
		name: 'Decide Uncertain Reminder',
		value: 'decideReminder',
		resource: 'reminder',
		description: 'Mark a reminder whose outcome is unknown as sent, or to resend by the next run',
		action: 'Decide an uncertain reminder',
	},
	{
		name: 'Get Customer Timeline',
		value: 'timeline',
		resource: 'history',
		description:
			'Every exchange with a customer (reminders, letters, bounces, calls), newest first',
		action: 'Get a customer timeline',
	},
	{
		name: 'Plan Reminders',
		value: 'plan',
		resource: 'reminder',
		description:
			'List the reminders of a stage due on a date, and the invoices held back with the reason',
		action: 'Plan reminders',
	},
	{
		name: 'Preview Reminder',
		value: 'previewReminder',
		resource: 'policy',
		description:
			'A stage of a policy (stored, or typed and not saved yet) rendered for one invoice: the e-mail and the letter with the letterhead, nothing sent',
		action: 'Preview a reminder',
	},
	{
		name: 'Process Bounce',
		value: 'processBounce',
		resource: 'reminder',
		description:
			'Read bounce and delivery-report e-mails: hard bounces mark the address bad and switch the customer to letters',
		action: 'Process a bounce',
	},
	{
		name: 'Reconcile Reminders',
		value: 'reconcile',
		resource: 'reminder',
		description:
			'Decide the reminders whose outcome is unknown from the mail server record, list the rest for review',
		action: 'Reconcile uncertain reminders',
	},
	{
		name: 'Record Outcome',
		value: 'recordOutcome',
		resource: 'history',
		description: 'Add a call, note, promise or received letter to the customer history',
		action: 'Record an outcome',
	},
	{
		name: 'Render Letters',
		value: 'renderLetter',
		resource: 'letter',
		description:
			'Print reminders as PDF letters (customers without e-mail, formal notices), each once',
		action: 'Render letters',
	},
	{
		name: 'Save Dunning Policy',
		value: 'savePolicy',
		resource: 'policy',
		description:
			'Check and store the stages of a customer profile (days, channels, copies, wording) typed as fields or as JSON',
		action: 'Save a dunning policy',
	},
	{
		name: 'Send Reminder E-Mails',
		value: 'sendEmail',
		resource: 'reminder',
		description: 'Send the reminders due by e-mail, each exactly once, in the customer language',
		action: 'Send reminder e mails',
	},
	{
		name: 'Show Dunning Policies',
		value: 'showPolicies',
		resource: 'policy',
		description:
			'Each stage of the stored policies: when it goes, channels, copies, minimum amounts and its wording in French and English',
		action: 'Show dunning policies',
	},
	{
		name: 'Statement of Late-Payment Charges',
		value: 'statementOfCharges',
		resource: 'lateCharge',
		description:
			'Interest on each amount for its own period and the €40 indemnity of invoices paid late (even in full) or still late, per customer and currency',
		action: 'Build a statement of late payment charges',
	},
];

const RESOURCES: ResourceChoice[] = [
	{
		name: 'Reminder',
		value: 'reminder',
		description: 'Reminders by e-mail: plan, send, bounces, reconcile, the daily digest',
		defaultOperation: 'plan',
	},
	{
		name: 'Letter',
		value: 'letter',
		description: 'Reminders as PDF letters: render, confirm once printed or written',
		defaultOperation: 'renderLetter',
	},
	{
		name: 'Late-Payment Charge',
		value: 'lateCharge',
		description: 'Interest and the €40 indemnity: per invoice, or a statement of charges',
		defaultOperation: 'lateCharges',
	},
	{
		name: 'Customer History',
		value: 'history',
		description: "A customer's exchanges: record an outcome, read the timeline",
		defaultOperation: 'timeline',
	},
	{
		name: 'Dunning Policy',
		value: 'policy',
		description:
			'The stages of each customer profile and their wording: save, show, preview for an invoice',
		defaultOperation: 'savePolicy',
	},
];

export class ReminderStep implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Reminder Step',
		name: 'reminderStep',
		icon: { light: 'file:reminderStep.svg', dark: 'file:reminderStep.dark.svg' },
		group: ['transform'],
		// Version 3: the operations grouped by resource; the same operations and outputs as version 2.
		version: [1, 2, 3],
		defaultVersion: 3,
		subtitle:
			'={{ $parameter["operation"] + ($parameter["stage"] ? ": " + $parameter["stage"] : "") }}',
		description:
			'Dunning per customer profile: plans reminders, sends them by e-mail exactly once, prints letters, computes late-payment charges',
		defaults: { name: 'Reminder Step' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: router.outputs,
		credentials: [
			{ name: 'receivablesLedgerApi', required: true, testedBy: 'receivablesLedgerConnectionTest' },
			{
				name: 'receivablesSmtpApi',
				required: true,
				testedBy: 'receivablesSmtpConnectionTest',
				displayOptions: { show: { operation: ['sendEmail', 'digest'] } },
			},
			{
				name: 'receivablesImapApi',
				required: true,
				testedBy: 'receivablesImapConnectionTest',
				displayOptions: { show: { operation: ['reconcile'], readSentMailbox: [true] } },
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: fromVersion(3) },
				options: resourceOptions(RESOURCES),
				default: 'reminder',
			},
			...operationParameters(OPERATIONS, RESOURCES, 3, 'plan'),
			...plan.description,
			...sendEmail.description,
			...renderLetter.description,
			...previewReminder.description,
			...savePolicy.description,
			...showPolicies.description,
			...lateCharges.description,
			...recordOutcome.description,
			...timeline.description,
			...processBounce.description,
			...digest.description,
			...statementOfCharges.description,
			...reconcile.description,
			...decideReminder.description,
			...confirmLetters.description,
		],
	};

	methods = { credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.execute.call(this);
	}
}
