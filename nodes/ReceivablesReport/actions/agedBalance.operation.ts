import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { agedBalance, type AgedGroupBy } from '../../../core';
import { getLedger } from '../../shared/transport/ledger';
import { agedBalanceRows } from '../helpers/rows';
import { baseOptions, dayList, figureProperties, options, perItem, reportItems, text } from './common';

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
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const ledger = await getLedger(this);
	return [
		await perItem(this, async (i) => {
			const o = options(this, i);
			const report = await agedBalance(ledger, { ...baseOptions(this, i), groupBy: text(this, 'groupBy', i, 'customer') as AgedGroupBy, buckets: dayList(o.buckets, 'Buckets') });
			return reportItems(this, i, report, (r) => agedBalanceRows(r, o.totals !== false));
		}),
	];
}
