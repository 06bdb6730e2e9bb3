import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { reminderResults, type Ledger } from '../../../core';
import { reminderResultsRows } from '../helpers/rows';
import {
	baseOptions,
	dayList,
	figureProperties,
	options,
	period,
	PERIOD_OPTIONS,
	reportItems,
	text,
} from './common';
import { eachItem, ledgerSetup } from '../../shared/operation';

const OPERATION = 'reminderResults';

const properties: INodeProperties[] = [
	{
		displayName: 'Rows',
		name: 'reminderView',
		type: 'options',
		options: [
			{
				name: 'One per Stage',
				value: 'stages',
				description:
					'Sent, bounce rate, paid within N days after the reminder, reminders per paid invoice',
			},
			{
				name: 'One per Day, Stage and Channel',
				value: 'volumes',
				description: 'Volumes sent, bounced and failed',
			},
		],
		default: 'stages',
		displayOptions: { show: { output: ['rows'] } },
	},
];

export const description: INodeProperties[] = [
	...figureProperties(OPERATION, [
		...PERIOD_OPTIONS(
			'Reminders sent from this date (default: the 30 days ending at the as-of date)',
		),
		{
			displayName: 'Paid Within (Days)',
			name: 'paidWithinDays',
			type: 'string',
			default: '7, 14',
			description:
				'Counts the reminders whose invoice was settled within each of these numbers of days',
		},
	]),
	...updateDisplayOptions({ show: { operation: [OPERATION] } }, properties),
];

/** What the reminders achieve: volumes per stage and day, bounce rate, paid within N days, reminders per paid invoice. */
export const operation = eachItem({
	outputs: [
		{
			name: 'Rows',
			meaning: 'Reminders per stage and day, bounce rate, paid within N days, or the whole report',
		},
	],
	setup: ledgerSetup,
	async item(i, _item, ledger: Ledger) {
		const o = options(this, i);
		const report = await reminderResults(ledger, {
			...baseOptions(this, i),
			...period(o),
			paidWithinDays: dayList(o.paidWithinDays, 'Paid Within'),
		});
		return reportItems(this, i, report, (r) =>
			reminderResultsRows(
				r,
				text(this, 'reminderView', i, 'stages') === 'volumes' ? 'volumes' : 'stages',
			),
		);
	},
});
