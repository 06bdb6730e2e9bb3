import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { balanceCleaning, type Ledger } from '../../../core';
import { balanceCleaningRows } from '../helpers/rows';
import { baseOptions, figureProperties, options, reportItems, text } from './common';
import { eachItem, ledgerSetup } from '../../shared/operation';

const OPERATION = 'balanceCleaning';

const properties: INodeProperties[] = [
	{
		displayName: 'Rows',
		name: 'cleaningView',
		type: 'options',
		options: [
			{
				name: 'One per Item to Clean',
				value: 'items',
				description:
					'Each promise, delay request, dispute, doubtful invoice, unapplied or ambiguous payment',
			},
			{ name: 'One per Section and Currency', value: 'sections', description: 'Counts and totals' },
		],
		default: 'items',
		displayOptions: { show: { output: ['rows'] } },
	},
];

export const description: INodeProperties[] = [
	...figureProperties(OPERATION, [
		{
			displayName: 'Doubtful After (Days Overdue)',
			name: 'doubtfulAfterDays',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 180,
			description: 'Open invoices overdue by more than this are listed as doubtful debts',
		},
		{
			displayName: 'Items per Section',
			name: 'itemsPerSection',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 500,
			description: 'Items listed per section; counts and totals cover them all',
		},
	]),
	...updateDisplayOptions({ show: { operation: [OPERATION] } }, properties),
];

/** What to clean in the balance: promises, delay requests, disputes, doubtful debts, unapplied and ambiguous payments. */
export const operation = eachItem({
	outputs: [
		{
			name: 'Rows',
			meaning:
				'What to clean in the balance: promises, delays, disputes, doubtful debts, unapplied payments',
		},
	],
	setup: ledgerSetup,
	async item(i, _item, ledger: Ledger) {
		const o = options(this, i);
		const report = await balanceCleaning(ledger, {
			...baseOptions(this, i),
			doubtfulAfterDays:
				o.doubtfulAfterDays === undefined ? undefined : Number(o.doubtfulAfterDays),
			limit: o.itemsPerSection === undefined ? undefined : Number(o.itemsPerSection),
		});
		return reportItems(this, i, report, (r, language) =>
			balanceCleaningRows(
				r,
				text(this, 'cleaningView', i, 'items') === 'sections' ? 'sections' : 'items',
				language,
			),
		);
	},
});
