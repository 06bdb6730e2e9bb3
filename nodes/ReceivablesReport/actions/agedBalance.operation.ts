import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { agedBalance, type AgedGroupBy, type Ledger } from '../../../core';
import { getLedger } from '../../shared/transport/ledger';
import { agedBalanceRows } from '../helpers/rows';
import { baseOptions, dayList, figureProperties, options, reportItems, text } from './common';
import { eachItem } from '../../shared/operation';

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
		{ displayName: 'Buckets (Days Overdue)', name: 'buckets', type: 'string', default: '30, 60, 90', description: 'Upper bounds of the overdue buckets: 30, 60, 90 gives not due, 1–30, 31–60, 61–90 and over 90 days' },
		{ displayName: 'Total Rows', name: 'totals', type: 'boolean', default: true, description: 'Whether a total row per currency follows the groups (line = total)' },
	]),
];

/** The aged balance (balance âgée) at the as-of date: open, per overdue bucket, disputed and promised, per group. */
export const operation = eachItem({
	outputs: [{ name: 'Rows', meaning: 'The aged balance: one row per group and bucket, or the whole report' }],
	setup: async function () {
		return await getLedger(this);
	},
	async item(i, _item, ledger: Ledger) {
		const o = options(this, i);
		const report = await agedBalance(ledger, { ...baseOptions(this, i), groupBy: text(this, 'groupBy', i, 'customer') as AgedGroupBy, buckets: dayList(o.buckets, 'Buckets') });
		return reportItems(this, i, report, (r) => agedBalanceRows(r, o.totals !== false));
	},
});
