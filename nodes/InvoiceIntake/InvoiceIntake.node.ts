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
import { router } from './actions/router';
import * as applyPayment from './actions/applyPayment.operation';
import * as blockedInvoices from './actions/blockedInvoices.operation';
import * as importBankStatement from './actions/importBankStatement.operation';
import * as lifecycleSettings from './actions/lifecycleSettings.operation';
import * as lifecycleStatuses from './actions/lifecycleStatuses.operation';
import * as cashedStatus from './actions/cashedStatus.operation';
import * as confirmCashedStatuses from './actions/confirmCashedStatuses.operation';
import * as receiveSignedRequest from './actions/receiveSignedRequest.operation';
import * as receiveSignedStatuses from './actions/receiveSignedStatuses.operation';
import * as afnorFlowNotification from './actions/afnorFlowNotification.operation';
import * as retryUnappliedPayments from './actions/retryPayments.operation';
import * as storeCustomers from './actions/storeCustomers.operation';
import * as storeInvoices from './actions/storeInvoices.operation';
import * as storeInvoicesFromFile from './actions/storeInvoicesFromFile.operation';
import * as storePayments from './actions/storePayments.operation';

/** Every operation of the node with its resource (resources from version 3 on, see nodes/shared/resources.ts). */
const OPERATIONS: OperationChoice[] = [
	{
		name: 'Apply Payment',
		value: 'applyPayment',
		resource: 'payment',
		description:
			'Settle a kept (unapplied or ambiguous) payment by hand: apply it to the invoices chosen, with the amounts chosen; refused beyond what the payment or the invoices allow',
		action: 'Apply a payment to invoices',
	},
	{
		name: 'Cashed Status (212)',
		value: 'cashedStatus',
		resource: 'lifecycleStatus',
		description:
			'Write the "Encaissée" lifecycle status (CDAR) of each receipt for the company\'s e-invoicing platform: those the ledger still owes, or the paid invoices given',
		action: 'Write cashed statuses',
	},
	{
		name: 'Confirm Cashed Statuses Sent',
		value: 'confirmCashedStatuses',
		resource: 'lifecycleStatus',
		description:
			'Record that the platform took the "Encaissée" statuses sent (after the HTTP Request node): they are not given again',
		action: 'Confirm cashed statuses sent',
	},
	{
		name: 'Import Bank Statement',
		value: 'importBankStatement',
		resource: 'payment',
		description:
			'Read a bank statement file (camt.053/054, CFONB 120, MT940) and store its credits as payments matched to invoices, once; debits and fees listed apart',
		action: 'Import a bank statement',
	},
	{
		name: 'Lifecycle Settings',
		value: 'lifecycleSettings',
		resource: 'lifecycleStatus',
		description:
			"Read or save what the platforms' statuses do for the company: effects turned off, the payment-sent hold, its SIRENs",
		action: 'Read or save lifecycle settings',
	},
	{
		name: 'Lifecycle Statuses',
		value: 'lifecycleStatuses',
		resource: 'lifecycleStatus',
		description:
			"Apply the e-invoicing platforms' lifecycle statuses (CDAR or JSON): reception dates, disputes, refusals, rejections, payments sent, factoring",
		action: 'Apply lifecycle statuses',
	},
	{
		name: 'List Refused and Rejected Invoices',
		value: 'blockedInvoices',
		resource: 'lifecycleStatus',
		description:
			"The open invoices the buyer refused or the e-invoicing platform rejected, with the reason and what to do: the billing team's daily list",
		action: 'List refused and rejected invoices',
	},
	{
		name: 'Receive Signed Request',
		value: 'receiveSignedRequest',
		resource: 'invoice',
		description:
			'Check the signature of a webhook request (raw body) and store its invoices, credit notes and payments with its delivery ID, all or nothing',
		action: 'Receive a signed request',
	},
	{
		name: 'Read Platform Flow Notification (AFNOR)',
		value: 'afnorFlowNotification',
		resource: 'lifecycleStatus',
		description:
			"Check the signature of an approved platform's standard API call (AFNOR XP Z12-013 webhook) and say which lifecycle flow to download as CDAR",
		action: 'Read a platform flow notification',
	},
	{
		name: 'Receive Signed Statuses',
		value: 'receiveSignedStatuses',
		resource: 'lifecycleStatus',
		description:
			"Check the signature of the e-invoicing platform's webhook request (raw body) and apply its lifecycle statuses (CDAR or JSON) once per delivery",
		action: 'Receive signed lifecycle statuses',
	},
	{
		name: 'Retry Unapplied Payments',
		value: 'retryUnappliedPayments',
		resource: 'payment',
		description:
			'Match again the payments kept as unapplied or ambiguous, now that more invoices or customers are in the ledger',
		action: 'Retry unapplied payments',
	},
	{
		name: 'Store Customers',
		value: 'storeCustomers',
		resource: 'customer',
		description:
			'Create or update customer master data (profile, language, e-mails, sales rep, zone…)',
		action: 'Store customers',
	},
	{
		name: 'Store Invoices',
		value: 'storeInvoices',
		resource: 'invoice',
		description:
			'Check and store invoices and credit notes given as fields; the same invoice twice changes nothing',
		action: 'Store invoices',
	},
	{
		name: 'Store Invoices From File',
		value: 'storeInvoicesFromFile',
		resource: 'invoice',
		description:
			'Read invoices from a file (UBL, CII, Factur-X / ZUGFeRD PDF, CSV), check them and store the accepted ones',
		action: 'Store invoices from a file',
	},
	{
		name: 'Store Payments',
		value: 'storePayments',
		resource: 'payment',
		description:
			'Store payments received (bank statement rows, JSON) and match them to invoices; what cannot be matched for sure is flagged, never guessed',
		action: 'Store payments',
	},
];

const RESOURCES: ResourceChoice[] = [
	{
		name: 'Invoice',
		value: 'invoice',
		description: 'Invoices and credit notes: as fields, from a file, from a signed webhook',
		defaultOperation: 'storeInvoices',
	},
	{
		name: 'Customer',
		value: 'customer',
		description: 'Customer master data',
		defaultOperation: 'storeCustomers',
	},
	{
		name: 'Payment',
		value: 'payment',
		description:
			'Payments received: stored and matched, bank statements, applied by hand, matched again',
		defaultOperation: 'storePayments',
	},
	{
		name: 'E-Invoicing Status',
		value: 'lifecycleStatus',
		description:
			"The e-invoicing platform's lifecycle statuses: received, cashed (212) sent and confirmed, refused and rejected invoices, the company's settings",
		defaultOperation: 'lifecycleStatuses',
	},
];

export class InvoiceIntake implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Invoice Intake',
		name: 'invoiceIntake',
		icon: { light: 'file:invoiceIntake.svg', dark: 'file:invoiceIntake.dark.svg' },
		group: ['transform'],
		// Version 2: the bulk operations (Store Invoices, Store Invoices From File) answer with one summary item by
		// default instead of one item per stored invoice; version 1 nodes (existing workflows) keep one item each.
		// Version 3: the operations grouped by resource; the same operations and outputs as version 2.
		version: [1, 2, 3],
		defaultVersion: 3,
		subtitle: '={{ $parameter["operation"] }}',
		description:
			'Checks invoices, credit notes and customers and stores them idempotently in the receivables ledger',
		defaults: { name: 'Invoice Intake' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: router.outputs,
		credentials: [
			{ name: 'receivablesLedgerApi', required: true, testedBy: 'receivablesLedgerConnectionTest' },
			{
				name: 'receivablesWebhookApi',
				required: false,
				testedBy: 'receivablesWebhookSecretTest',
				displayOptions: {
					show: {
						operation: ['receiveSignedRequest', 'receiveSignedStatuses', 'afnorFlowNotification'],
					},
				},
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
				default: 'invoice',
			},
			...operationParameters(OPERATIONS, RESOURCES, 3, 'storeInvoices'),
			...storeCustomers.description,
			...storeInvoices.description,
			...storeInvoicesFromFile.description,
			...storePayments.description,
			...receiveSignedRequest.description,
			...retryUnappliedPayments.description,
			...applyPayment.description,
			...importBankStatement.description,
			...lifecycleStatuses.description,
			...lifecycleSettings.description,
			...cashedStatus.description,
			...receiveSignedStatuses.description,
			...confirmCashedStatuses.description,
			...blockedInvoices.description,
			...afnorFlowNotification.description,
		],
	};

	methods = { credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.execute.call(this);
	}
}
