import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { planCalls, type Ledger } from '../../../core';
import { eachItem, ledgerSetup } from '../../shared/operation';
import { list } from '../helpers/items';

const properties: INodeProperties[] = [
	{
		displayName: 'Days Before Due Date',
		name: 'daysBeforeDue',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 365 },
		default: 5,
		description: 'Invoices falling due this many days after the call day are called about',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Call Day',
				name: 'asOf',
				type: 'string',
				default: '',
				placeholder: '2026-03-09',
				description: 'Day of the calls (YYYY-MM-DD). Empty: today.',
			},
			{
				displayName: 'Collector',
				name: 'collector',
				type: 'string',
				default: '',
				description: "Only this collector's portfolio (staff code)",
			},
			{
				displayName: 'Company Name',
				name: 'company',
				type: 'string',
				default: '',
				description: "Said in the opening sentence. Empty: the ledger's company settings.",
			},
			{
				displayName: 'Customers',
				name: 'customers',
				type: 'string',
				default: '',
				description: 'Only these customer codes (comma-separated)',
			},
			{
				displayName: 'Default Assignee',
				name: 'defaultAssignee',
				type: 'string',
				default: '',
				description: 'Staff code for customers without a collector',
			},
			{
				displayName: 'History Entries',
				name: 'historyEntries',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 5,
				description: 'Recent exchanges shown per customer (last 180 days)',
			},
			{
				displayName: 'Minimum Amount',
				name: 'minAmount',
				type: 'string',
				default: '',
				placeholder: '500',
				description: 'Only invoices with at least this open amount (in their currency)',
			},
			{
				displayName: 'Profiles',
				name: 'profiles',
				type: 'string',
				default: '',
				placeholder: 'key_account, sme',
				description: 'Only customers of these profiles (comma-separated)',
			},
			{ displayName: 'Time Zone', name: 'zone', type: 'string', default: 'Europe/Paris' },
			{
				displayName: 'Window (Days)',
				name: 'windowDays',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 92 },
				default: 1,
				description: 'Also the invoices due in the following days (1: that day only)',
			},
		],
	},
];

const displayOptions = { show: { operation: ['planCalls'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export const operation = eachItem({
	outputs: [
		{ name: 'Calls', meaning: 'One call to make: customer, invoices due soon, checklist, history' },
	],
	setup: ledgerSetup,
	async item(i, _item, ledger: Ledger) {
		const options = this.getNodeParameter('options', i, {}) as IDataObject;
		const plan = await planCalls(ledger, {
			daysBeforeDue: this.getNodeParameter('daysBeforeDue', i, 5) as number,
			asOf: options.asOf ? String(options.asOf) : undefined,
			zone: options.zone ? String(options.zone) : undefined,
			windowDays: typeof options.windowDays === 'number' ? options.windowDays : undefined,
			profiles: list(options.profiles),
			customers: list(options.customers),
			collector: options.collector ? String(options.collector) : undefined,
			minAmount: options.minAmount ? String(options.minAmount) : undefined,
			defaultAssignee: options.defaultAssignee ? String(options.defaultAssignee) : undefined,
			historyEntries:
				typeof options.historyEntries === 'number' ? options.historyEntries : undefined,
			company: options.company ? String(options.company) : undefined,
		});
		return plan.calls.map((call) => ({
			json: { ...call, dueFrom: plan.dueFrom, dueTo: plan.dueTo } as unknown as IDataObject,
		}));
	},
});
