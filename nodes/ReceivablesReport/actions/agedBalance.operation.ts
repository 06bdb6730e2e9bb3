import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { agedBalance, type AgedGroupBy, type Ledger } from '../../../core';
import { agedBalanceRows } from '../helpers/rows';
import { baseOptions, dayList, figureProperties, options, reportItems, text } from './common';
import { eachItem, ledgerSetup } from '../../shared/operation';

const OPERATION = 'agedBalance';

const properties: INodeProperties[] = [
	{
		displayName: 'Group By',
		name: 'groupBy',
		type: 'options',
		options: [
			{ name: 'Currency Only', value: 'currency' },
			{ name: 'Customer', value: 'customer' },
			{ name: 'Dunning Profile', value: 'profile' },
			{ name: 'Nothing (One Line per Currency)', value: 'none' },
			{ name: 'Sales Rep', value: 'sales_rep' },
		],
		default: 'customer',
	},
];

export const description: INodeProperties[] = [
	...updateDisplayOptions({ show: { operation: [OPERATION] } }, properties),
	...figureProperties(OPERATION, [
		{
			displayName: 'Buckets (Days Overdue)',
			name: 'buckets',
			type: 'string',
			default: '30, 60, 90',
			description:
				'Upper bounds of the overdue buckets: 30, 60, 90 gives not due, 1–30, 31–60, 61–90 and over 90 days',
		},
		{
			displayName: 'Total Rows',
			name: 'totals',
			type: 'boolean',
			default: true,
			description: 'Whether a total row per currency follows the groups (line = total)',
		},
		{
			displayName: 'Net of Credits',
			name: 'net',
			type: 'boolean',
			default: false,
			description:
				'Whether each row also gives its unlinked credit notes, unapplied cash and the net receivable (the customer account balance, 411); customers with credits only get a row',
		},
		{
			displayName: 'Promised Means',
			name: 'promised',
			type: 'options',
			options: [
				{ name: 'Open Amount of Promised Invoices', value: 'open' },
				{ name: 'Amount Promised', value: 'promised' },
			],
			default: 'open',
			description:
				'What the promised column adds up: the open amount of invoices under a promise, or the amount promised (as Balance Cleaning lists it)',
		},
	]),
];

/** The aged balance (balance âgée) at the as-of date: open, per overdue bucket, disputed and promised, per group. */
export const operation = eachItem({
	outputs: [
		{
			name: 'Rows',
			meaning: 'The aged balance: one row per group and bucket, or the whole report',
		},
	],
	setup: ledgerSetup,
	async item(i, _item, ledger: Ledger) {
		const o = options(this, i);
		const report = await agedBalance(ledger, {
			...baseOptions(this, i),
			groupBy: text(this, 'groupBy', i, 'customer') as AgedGroupBy,
			buckets: dayList(o.buckets, 'Buckets'),
			net: o.net === true,
			promised: o.promised === 'promised' ? 'promised' : 'open',
		});
		return reportItems(this, i, report, (r) => agedBalanceRows(r, o.totals !== false));
	},
});
