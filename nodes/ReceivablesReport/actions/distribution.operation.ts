import type { INodeProperties } from 'n8n-workflow';
import { distributionReport, type Ledger } from '../../../core';
import { distributionRows } from '../helpers/rows';
import {
	baseOptions,
	figureProperties,
	options,
	period,
	PERIOD_OPTIONS,
	reportItems,
} from './common';
import { eachItem, ledgerSetup } from '../../shared/operation';

const OPERATION = 'distribution';

export const description: INodeProperties[] = figureProperties(OPERATION, [
	...PERIOD_OPTIONS('Waves planned from this date (default: the 90 days ending at the as-of date)'),
	{
		displayName: 'Grace Days',
		name: 'graceDays',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description:
			"A delivery is on time when made at most this many days after the wave's planned date",
	},
]);

/** Invoice distribution per zone and courier: delivered on time, average delay, cost per delivered invoice. */
export const operation = eachItem({
	outputs: [
		{
			name: 'Rows',
			meaning:
				'Invoices delivered on time, delays and costs per zone and courier, or the whole report',
		},
	],
	setup: ledgerSetup,
	async item(i, _item, ledger: Ledger) {
		const o = options(this, i);
		const report = await distributionReport(ledger, {
			...baseOptions(this, i),
			...period(o),
			graceDays: o.graceDays === undefined ? undefined : Number(o.graceDays),
		});
		return reportItems(this, i, report, distributionRows);
	},
});
