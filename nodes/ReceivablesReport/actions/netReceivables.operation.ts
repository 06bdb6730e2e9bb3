import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { netReceivables, type Ledger } from '../../../core';
import { netReceivablesRows } from '../helpers/rows';
import { baseOptions, figureProperties, options, reportItems, text } from './common';
import { eachItem, ledgerSetup } from '../../shared/operation';

const OPERATION = 'netReceivables';

const properties: INodeProperties[] = [
	{
		displayName: 'Group By',
		name: 'netGroupBy',
		type: 'options',
		options: [
			{
				name: 'Customer',
				value: 'customer',
				description: 'One row per customer and currency, then a total row per currency',
			},
			{ name: 'Nothing (One Line per Currency)', value: 'none' },
		],
		default: 'customer',
	},
];

export const description: INodeProperties[] = [
	...updateDisplayOptions({ show: { operation: [OPERATION] } }, properties),
	...figureProperties(OPERATION, [
		{
			displayName: 'Total Rows',
			name: 'totals',
			type: 'boolean',
			default: true,
			description: 'Whether a total row per currency follows the customers (line = total)',
		},
	]),
];

/**
 * Net receivables (encours net) at the as-of date, per customer and currency: open invoices, credit notes not set
 * against an invoice, unapplied cash and the net, the balance of the customer account (411).
 */
export const operation = eachItem({
	outputs: [
		{
			name: 'Rows',
			meaning:
				'Net receivables: one row per customer and currency, a total per currency, or the whole report',
		},
	],
	setup: ledgerSetup,
	async item(i, _item, ledger: Ledger) {
		const o = options(this, i);
		const report = await netReceivables(ledger, {
			...baseOptions(this, i),
			groupBy: text(this, 'netGroupBy', i, 'customer') === 'none' ? 'none' : 'customer',
		});
		return reportItems(this, i, report, (r) => netReceivablesRows(r, o.totals !== false));
	},
});
