import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { cycleInvoices, formatAmount, type Ledger } from '../../../core';
import { list } from './common';
import { eachItem, ledgerSetup } from '../../shared/operation';

const properties: INodeProperties[] = [
	{
		displayName: 'Run Date',
		name: 'runDate',
		type: 'string',
		default: '={{ $today.toFormat("yyyy-MM-dd") }}',
		description:
			'Cut date of the billing cycles (monthly: last day of the month; fortnightly: 15th and last day; custom:10,25 ...)',
	},
	{
		displayName: 'Only Cycles Cut on This Date',
		name: 'onlyRunDay',
		type: 'boolean',
		default: true,
		description:
			"Whether to take only the customers whose cycle has a cut on the run date (off: each cycle's latest run)",
	},
	{
		displayName: 'Customers',
		name: 'customers',
		type: 'string',
		default: '',
		description: 'Customer codes, comma-separated; empty: all',
	},
];

export const description = updateDisplayOptions(
	{ show: { operation: ['cycleInvoices'] } },
	properties,
);

export const operation = eachItem({
	outputs: [
		{
			name: 'Done',
			meaning: 'One invoice of the distribution cycle (customer, city, zone, amount)',
		},
	],
	setup: ledgerSetup,
	async item(i, _item, ledger: Ledger) {
		const result = await ledger.withClient((client) =>
			cycleInvoices(client, {
				runDate: String(this.getNodeParameter('runDate', i)),
				onlyRunDay: this.getNodeParameter('onlyRunDay', i, true) as boolean,
				customers: list(this.getNodeParameter('customers', i, '')),
			}),
		);
		return result.invoices.map((inv) => ({
			json: {
				invoiceNumber: inv.number,
				customerCode: inv.customerExternalId,
				customerName: inv.customerName,
				city: inv.city,
				zone: inv.zone,
				country: inv.country,
				amount: formatAmount(inv.amountMinor, inv.currency),
				currency: inv.currency,
				issueDate: inv.issueDate,
				firstCycle: inv.firstCycle,
				cycle: inv.cycleKey,
			},
		}));
	},
});
