import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import {
	analyseDisputes,
	disputeAnalysisRows,
	type DisputeDimension,
	type Ledger,
} from '../../../core';
import { eachItem, ledgerSetup } from '../../shared/operation';
import { DISPUTE_GROUP_BY_OPTIONS } from '../../shared/disputeGroupBy';
import { text } from '../helpers/items';

const properties: INodeProperties[] = [
	{
		displayName: 'Group By',
		name: 'groupBy',
		type: 'options',
		options: DISPUTE_GROUP_BY_OPTIONS,
		default: 'category',
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		options: [
			{
				name: 'One Item per Group',
				value: 'groups',
				description: 'Count, open, resolved, amounts and ages per group (table-friendly)',
			},
			{
				name: 'One Item per Root Cause',
				value: 'rootCauses',
				description: 'The most frequent root causes with examples',
			},
			{
				name: 'One Summary Item',
				value: 'summary',
				description: 'Totals, groups and top root causes with examples in one item',
			},
			{
				name: 'Spreadsheet Rows per Group',
				value: 'groupRows',
				description:
					'One flat row per group for Convert to File (CSV/XLSX): amounts per currency as text, formulas neutralised',
			},
			{
				name: 'Spreadsheet Rows per Root Cause',
				value: 'rootCauseRows',
				description:
					'One flat row per root cause for Convert to File (CSV/XLSX): examples as text, formulas neutralised',
			},
		],
		default: 'summary',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'As Of',
				name: 'asOf',
				type: 'string',
				default: '',
				description: 'Ages of open disputes are counted to this date. Empty: today.',
			},
			{ displayName: 'Customer Code', name: 'customer', type: 'string', default: '' },
			{
				displayName: 'Examples per Root Cause',
				name: 'examples',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 3,
			},
			{
				displayName: 'Labels Language',
				name: 'language',
				type: 'options',
				options: [
					{ name: 'French', value: 'fr' },
					{ name: 'English', value: 'en' },
				],
				default: 'fr',
				description:
					'Language of the category and subcategory names in the spreadsheet rows (the label column and the categories of a root cause; the key column keeps the code)',
			},
			{
				displayName: 'Opened From',
				name: 'from',
				type: 'string',
				default: '',
				placeholder: '2026-01-01',
			},
			{
				displayName: 'Opened To',
				name: 'to',
				type: 'string',
				default: '',
				placeholder: '2026-03-31',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: [
					{ name: 'All', value: 'all' },
					{ name: 'Open', value: 'open' },
					{ name: 'Resolved', value: 'resolved' },
				],
				default: 'all',
			},
			{
				displayName: 'Top Root Causes',
				name: 'topCauses',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 10,
			},
		],
	},
];

const displayOptions = { show: { operation: ['analyse'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export const operation = eachItem({
	outputs: [
		{
			name: 'Analysis',
			meaning:
				'The dispute analysis: one summary, one item per group or per root cause, or flat spreadsheet rows',
		},
	],
	setup: ledgerSetup,
	async item(i, _item, ledger: Ledger) {
		const options = this.getNodeParameter('options', i, {}) as IDataObject;
		const analysis = await analyseDisputes(ledger, {
			groupBy: text(this, 'groupBy', i) as DisputeDimension,
			from: options.from ? String(options.from) : undefined,
			to: options.to ? String(options.to) : undefined,
			asOf: options.asOf ? String(options.asOf) : undefined,
			status: (options.status as 'all' | 'open' | 'resolved') || 'all',
			customer: options.customer ? String(options.customer) : undefined,
			examples: typeof options.examples === 'number' ? options.examples : undefined,
			topCauses: typeof options.topCauses === 'number' ? options.topCauses : undefined,
		});
		const output = text(this, 'output', i, 'summary');
		const meta = {
			from: analysis.from,
			to: analysis.to,
			asOf: analysis.asOf,
			groupBy: analysis.groupBy,
			status: analysis.status,
		};
		if (output === 'groups')
			return analysis.groups.map((g) => ({ json: { ...meta, ...g } as unknown as IDataObject }));
		if (output === 'rootCauses')
			return analysis.rootCauses.map((c) => ({
				json: { ...meta, ...c } as unknown as IDataObject,
			}));
		const language = options.language === 'en' ? 'en' : 'fr';
		if (output === 'groupRows')
			return disputeAnalysisRows(analysis, 'groups', language).map((row) => ({
				json: row as IDataObject,
			}));
		if (output === 'rootCauseRows')
			return disputeAnalysisRows(analysis, 'rootCauses', language).map((row) => ({
				json: row as IDataObject,
			}));
		return { json: analysis as unknown as IDataObject };
	},
});
