import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { daysLate } from '../../../core';
import { getLedger } from '../../shared/transport/ledger';
import { daysLateRows } from '../helpers/rows';
import { baseOptions, figureProperties, options, perItem, period, PERIOD_OPTIONS, reportItems } from './common';

const OPERATION = 'daysLate';

export const description: INodeProperties[] = figureProperties(OPERATION, PERIOD_OPTIONS('Payments received from this date (default: the 12 months ending at the as-of date)'));

/** Average days late and days to pay per customer, weighted by the amounts paid in the period. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const ledger = await getLedger(this);
	return [
		await perItem(this, async (i) => {
			const report = await daysLate(ledger, { ...baseOptions(this, i), ...period(options(this, i)) });
			return reportItems(this, i, report, daysLateRows);
		}),
	];
}
