import type { INodeProperties } from 'n8n-workflow';
import { daysLate, type Ledger } from '../../../core';
import { daysLateRows } from '../helpers/rows';
import {
	baseOptions,
	figureProperties,
	options,
	period,
	PERIOD_OPTIONS,
	reportItems,
} from './common';
import { eachItem, ledgerSetup } from '../../shared/operation';

const OPERATION = 'daysLate';

export const description: INodeProperties[] = figureProperties(
	OPERATION,
	PERIOD_OPTIONS(
		'Payments received from this date (default: the 12 months ending at the as-of date)',
	),
);

/** Average days late and days to pay per customer, weighted by the amounts paid in the period. */
export const operation = eachItem({
	outputs: [
		{
			name: 'Rows',
			meaning: 'Average days late and days to pay per customer, or the whole report',
		},
	],
	setup: ledgerSetup,
	async item(i, _item, ledger: Ledger) {
		const report = await daysLate(ledger, { ...baseOptions(this, i), ...period(options(this, i)) });
		return reportItems(this, i, report, daysLateRows);
	},
});
