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
import * as agedBalance from './actions/agedBalance.operation';
import * as balanceCleaning from './actions/balanceCleaning.operation';
import * as companySettings from './actions/companySettings.operation';
import * as dashboardPage from './actions/dashboardPage.operation';
import * as daysLate from './actions/daysLate.operation';
import * as disputeAnalysis from './actions/disputeAnalysis.operation';
import * as distribution from './actions/distribution.operation';
import * as dsoCei from './actions/dsoCei.operation';
import * as emailReport from './actions/emailReport.operation';
import * as filesFolder from './actions/filesFolder.operation';
import * as netReceivables from './actions/netReceivables.operation';
import * as pdfReport from './actions/pdfReport.operation';
import * as reminderResults from './actions/reminderResults.operation';
import { router } from './actions/router';

/** Every operation of the node with its resource (resources from version 2 on, see nodes/shared/resources.ts). */
const OPERATIONS: OperationChoice[] = [
	{
		name: 'Aged Balance',
		value: 'agedBalance',
		resource: 'figure',
		description:
			'Open amounts by age bucket (not due, 1–30, 31–60, 61–90, over 90 days) per customer, profile, sales rep or currency, disputed and promised apart',
		action: 'Compute the aged balance',
	},
	{
		name: 'Balance Cleaning',
		value: 'balanceCleaning',
		resource: 'figure',
		description:
			'Payment promises, delay requests, disputes, doubtful debts, unapplied and ambiguous payments',
		action: 'List what to clean in the balance',
	},
	{
		name: 'Company Settings',
		value: 'companySettings',
		resource: 'setting',
		description:
			"The company's own identity (name, legal form, address, SIREN/VAT, sender, phone, logo, bank details, legal mentions) used by every e-mail, letter, invoice copy, manifest and report",
		action: 'Read or save the company settings',
	},
	{
		name: 'Dashboard Page',
		value: 'dashboardPage',
		resource: 'report',
		description:
			"The receivables dashboard for a Webhook: login, then charts within the user's accreditation",
		action: 'Serve the dashboard page',
	},
	{
		name: 'Days Late',
		value: 'daysLate',
		resource: 'figure',
		description: 'Average days late and days to pay per customer, weighted by the amounts paid',
		action: 'Compute days late per customer',
	},
	{
		name: 'Dispute Analysis',
		value: 'disputeAnalysis',
		resource: 'figure',
		description: 'Disputes by category, customer, sales rep…: counts, amounts, ages, root causes',
		action: 'Analyse disputes',
	},
	{
		name: 'Distribution',
		value: 'distribution',
		resource: 'figure',
		description:
			'Invoices delivered on time, average delay, cost per delivered invoice, per zone and courier',
		action: 'Report on invoice distribution',
	},
	{
		name: 'DSO & CEI',
		value: 'dsoCei',
		resource: 'figure',
		description:
			'Monthly trend of the DSO (countback and simple methods) and of the collection effectiveness index',
		action: 'Compute DSO and CEI',
	},
	{
		name: 'E-Mail Report',
		value: 'emailReport',
		resource: 'report',
		description: 'One e-mail with the files of the input items attached (PDF, CSV, XLSX)',
		action: 'Send a report by email',
	},
	{
		name: 'Files Folder',
		value: 'filesFolder',
		resource: 'setting',
		description:
			"Where letters, call lists, reports and bank statements go (n8n's allowed files folder), or the files waiting in it",
		action: 'Locate the files folder',
	},
	{
		name: 'Net Receivables',
		value: 'netReceivables',
		resource: 'figure',
		description:
			'Open invoices less unlinked credit notes and unapplied cash per customer and currency: the customer account balance (411), credit balances apart',
		action: 'Compute net receivables',
	},
	{
		name: 'PDF Report',
		value: 'pdfReport',
		resource: 'report',
		description: 'Every figure with charts in one PDF, named with the as-of date',
		action: 'Render the PDF report',
	},
	{
		name: 'Reminder Results',
		value: 'reminderResults',
		resource: 'figure',
		description:
			'Reminders per stage and day, bounce rate, paid within N days, reminders per paid invoice',
		action: 'Report on reminder results',
	},
];

const RESOURCES: ResourceChoice[] = [
	{
		name: 'Figure',
		value: 'figure',
		description:
			'The figures as rows: aged balance, net receivables, DSO and CEI, days late, balance cleaning, reminder, dispute and distribution results',
		defaultOperation: 'agedBalance',
	},
	{
		name: 'Report',
		value: 'report',
		description:
			'The figures for people: a PDF report, an e-mail with files attached, the dashboard page',
		defaultOperation: 'pdfReport',
	},
	{
		name: 'Setting',
		value: 'setting',
		description: "The company's identity and the files folder",
		defaultOperation: 'companySettings',
	},
];

export class ReceivablesReport implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Receivables Report',
		name: 'receivablesReport',
		icon: { light: 'file:receivablesReport.svg', dark: 'file:receivablesReport.dark.svg' },
		group: ['transform'],
		// Version 2: the operations grouped by resource (version 1 nodes of saved workflows keep the single list).
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{ $parameter["operation"] }}',
		description:
			'Aged balance, net receivables, DSO and CEI, days late, balance cleaning, reminder, dispute and distribution results, as rows, a PDF report with charts or a dashboard page',
		defaults: { name: 'Receivables Report' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: router.outputs,
		credentials: [
			{
				name: 'receivablesLedgerApi',
				required: true,
				testedBy: 'receivablesLedgerConnectionTest',
				displayOptions: {
					show: {
						operation: [
							'agedBalance',
							'dsoCei',
							'daysLate',
							'balanceCleaning',
							'netReceivables',
							'reminderResults',
							'disputeAnalysis',
							'distribution',
							'pdfReport',
							'dashboardPage',
							'companySettings',
						],
					},
				},
			},
			{
				name: 'receivablesSmtpApi',
				required: true,
				testedBy: 'receivablesSmtpConnectionTest',
				displayOptions: { show: { operation: ['emailReport'] } },
			},
			{
				name: 'receivablesSmtpApi',
				required: false,
				testedBy: 'receivablesSmtpConnectionTest',
				displayOptions: { show: { operation: ['dashboardPage'] } },
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
				default: 'figure',
			},
			...operationParameters(OPERATIONS, RESOURCES, 2, 'agedBalance'),
			...agedBalance.description,
			...dsoCei.description,
			...daysLate.description,
			...balanceCleaning.description,
			...netReceivables.description,
			...reminderResults.description,
			...disputeAnalysis.description,
			...distribution.description,
			...pdfReport.description,
			...dashboardPage.description,
			...emailReport.description,
			...filesFolder.description,
			...companySettings.description,
		],
	};

	methods = { credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.execute.call(this);
	}
}
