import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { disputeReport, type DisputeDimension, type Ledger } from '../../../core';
import { DISPUTE_GROUP_BY_OPTIONS } from '../../shared/disputeGroupBy';
import { disputeRows } from '../helpers/rows';
import {
	baseOptions,
	figureProperties,
	options,
	period,
	PERIOD_OPTIONS,
	reportItems,
	text,
} from './common';
import { eachItem, ledgerSetup } from '../../shared/operation';

const OPERATION = 'disputeAnalysis';

const properties: INodeProperties[] = [
	{
		displayName: 'Group By',
		name: 'disputeGroupBy',
		type: 'options',
		options: DISPUTE_GROUP_BY_OPTIONS,
		default: 'category',
	},
	{
		displayName: 'Rows',
		name: 'disputeView',
		type: 'options',
		options: [
			{
				name: 'One per Group',
				value: 'groups',
				description: 'Counts, open, resolved, justified, amount per currency, ages',
			},
			{
				name: 'One per Root Cause',
				value: 'rootCauses',
				description: 'The most frequent root causes with examples',
			},
		],
		default: 'groups',
		displayOptions: { show: { output: ['rows'] } },
	},
];

export const description: INodeProperties[] = [
	...updateDisplayOptions({ show: { operation: [OPERATION] } }, properties.slice(0, 1)),
	...figureProperties(
		OPERATION,
		PERIOD_OPTIONS('Disputes opened from this date (default: every dispute)'),
	),
	...updateDisplayOptions({ show: { operation: [OPERATION] } }, properties.slice(1)),
];

/** Disputes: counts, amounts, ages and root causes by category (the Dispute Classifier's analysis, scoped). */
export const operation = eachItem({
	outputs: [{ name: 'Rows', meaning: 'Disputes per group or root cause, or the whole report' }],
	setup: ledgerSetup,
	async item(i, _item, ledger: Ledger) {
		const report = await disputeReport(ledger, {
			...baseOptions(this, i),
			...period(options(this, i)),
			groupBy: text(this, 'disputeGroupBy', i, 'category') as DisputeDimension,
		});
		return reportItems(this, i, report, (r, language) =>
			disputeRows(
				r,
				text(this, 'disputeView', i, 'groups') === 'rootCauses' ? 'rootCauses' : 'groups',
				language,
			),
		);
	},
});
