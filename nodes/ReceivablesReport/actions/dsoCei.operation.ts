import type { INodeProperties } from 'n8n-workflow';
import { cei, dso, type Ledger } from '../../../core';
import { dsoCeiRows } from '../helpers/rows';
import { baseOptions, figureProperties, options, reportItems } from './common';
import { eachItem, ledgerSetup } from '../../shared/operation';

const OPERATION = 'dsoCei';

export const description: INodeProperties[] = figureProperties(OPERATION, [
	{
		displayName: 'Months',
		name: 'months',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 36 },
		default: 12,
		description: 'Months of the trend, ending with the month of the as-of date',
	},
	{
		displayName: 'Net of Credits',
		name: 'net',
		type: 'boolean',
		default: false,
		description:
			"Whether the receivables are net of unlinked credit notes and unapplied cash (the customer accounts' balance, 411) instead of the open invoices",
	},
	{
		displayName: 'Sales Months (Simple DSO)',
		name: 'salesMonths',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 12 },
		default: 3,
		description:
			'The simple DSO divides the receivables by the average daily sales of this many months',
	},
]);

/** Monthly trend of the DSO (countback and simple methods) and of the collection effectiveness index. */
export const operation = eachItem({
	outputs: [
		{ name: 'Rows', meaning: 'DSO (countback, simple) and CEI per month, or the whole report' },
	],
	setup: ledgerSetup,
	async item(i, _item, ledger: Ledger) {
		const o = options(this, i);
		const trend = {
			...baseOptions(this, i),
			months: o.months === undefined ? undefined : Number(o.months),
			net: o.net === true,
		};
		const salesMonths = o.salesMonths === undefined ? undefined : Number(o.salesMonths);
		const [countback, simple, index] = await Promise.all([
			dso(ledger, { ...trend, method: 'countback' }),
			dso(ledger, { ...trend, method: 'simple', salesMonths }),
			cei(ledger, trend),
		]);
		return reportItems(
			this,
			i,
			{
				asOf: countback.asOf,
				zone: countback.zone,
				dsoCountback: countback,
				dsoSimple: simple,
				cei: index,
			},
			(r) => dsoCeiRows(r.dsoCountback, r.dsoSimple, r.cei),
		);
	},
});
