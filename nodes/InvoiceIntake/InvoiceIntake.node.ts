import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { credentialTest } from '../shared/methods/credentialTest';
import { router } from './actions/router';
import * as storeCustomers from './actions/storeCustomers.operation';
import * as storeInvoices from './actions/storeInvoices.operation';

export class InvoiceIntake implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Invoice Intake',
		name: 'invoiceIntake',
		icon: { light: 'file:invoiceIntake.svg', dark: 'file:invoiceIntake.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] }}',
		description: 'Checks invoices, credit notes and customers and stores them idempotently in the receivables ledger',
		defaults: { name: 'Invoice Intake' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Accepted', 'Rejected'],
		credentials: [{ name: 'receivablesLedgerApi', required: true, testedBy: 'receivablesLedgerConnectionTest' }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Store Customers',
						value: 'storeCustomers',
						description: 'Create or update customer master data (profile, language, e-mails, sales rep, zone…)',
						action: 'Store customers',
					},
					{
						name: 'Store Invoices',
						value: 'storeInvoices',
						description: 'Check and store invoices and credit notes given as fields; the same invoice twice changes nothing',
						action: 'Store invoices',
					},
				],
				default: 'storeInvoices',
			},
				...storeCustomers.description,
				...storeInvoices.description,
		],
	};

	methods = { credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
