import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import {
	buildReportView,
	loadCompanyName,
	preparedFilePath,
	receivablesOverview,
	renderReportViewPdf,
	type AgedGroupBy,
	type ReportView,
	type Ledger,
} from '../../../core';
import { baseOptions, dayList, figureProperties, LANGUAGE, options, text } from './common';
import { eachItem, ledgerSetup } from '../../shared/operation';

const OPERATION = 'pdfReport';

export const SECTIONS = [
	{ name: 'Aged Balance', value: 'aged' },
	{ name: 'Balance Cleaning', value: 'cleaning' },
	{ name: 'Disputes', value: 'disputes' },
	{ name: 'Distribution', value: 'distribution' },
	{ name: 'DSO, CEI and Days Late', value: 'dso' },
	{ name: 'Reminder Results', value: 'reminders' },
];

const properties: INodeProperties[] = [
	{ ...LANGUAGE, description: 'Language of the report' },
	{
		displayName: 'Company Name',
		name: 'company',
		type: 'string',
		default: '',
		description:
			'Shown on the cover and in the page headers. Empty: the name of the company settings (Company Settings operation).',
	},
	{
		displayName: 'Sections',
		name: 'sections',
		type: 'multiOptions',
		options: SECTIONS,
		default: [],
		description: 'The sections of the report; none chosen: all of them',
	},
	{
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: '',
		placeholder: 'rapport-encaissements-2026-03-31.pdf',
		description:
			'Empty: rapport-encaissements-YYYY-MM-DD.pdf (receivables-report-YYYY-MM-DD.pdf in English) with the as-of date',
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the output binary field to put the file in',
	},
];

export const description: INodeProperties[] = [
	...updateDisplayOptions({ show: { operation: [OPERATION] } }, properties),
	...figureProperties(
		OPERATION,
		[
			{
				displayName: 'Aged Balance By',
				name: 'groupBy',
				type: 'options',
				options: [
					{ name: 'Customer', value: 'customer' },
					{ name: 'Dunning Profile', value: 'profile' },
					{ name: 'Sales Rep', value: 'sales_rep' },
				],
				default: 'customer',
			},
			{
				displayName: 'Buckets (Days Overdue)',
				name: 'buckets',
				type: 'string',
				default: '30, 60, 90',
			},
			{
				displayName: 'Doubtful After (Days Overdue)',
				name: 'doubtfulAfterDays',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 180,
			},
			{
				displayName: 'Months of Trend',
				name: 'months',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 36 },
				default: 12,
			},
			{
				displayName: 'Period From',
				name: 'from',
				type: 'string',
				default: '',
				description:
					'Start of the period of the reminder, dispute and distribution sections (default: 30 days before the as-of date)',
			},
			{
				displayName: 'Rows per Table',
				name: 'tableRows',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 12,
			},
		],
		false,
	),
];

/** The file name of a report: the given one (".pdf" added when missing) or one with the as-of date. */
export function reportFileName(given: string, asOf: string, language: 'fr' | 'en'): string {
	const name = given.trim().replace(/[\\/:*?"<>|\r\n]+/g, '-');
	if (!name)
		return `${language === 'fr' ? 'rapport-encaissements' : 'receivables-report'}-${asOf}.pdf`;
	return /\.pdf$/i.test(name) ? name : `${name}.pdf`;
}

/** The headline figures of a view as one line per figure ("Encours : 1 234,56 €"), for an e-mail body. */
export function headlineText(view: ReportView): string {
	const colon = view.language === 'fr' ? '\u00a0: ' : ': ';
	return view.headline
		.map((k) => `${k.label}${colon}${k.value}${k.note ? ` (${k.note})` : ''}`)
		.join('\n');
}

/** The receivables report as a PDF with charts: one file per input item, named with the as-of date. */
export const operation = eachItem({
	outputs: [
		{ name: 'Report', meaning: 'The PDF report (binary) with its title, sections and headline' },
	],
	setup: ledgerSetup,
	async item(i, _item, ledger: Ledger) {
		const o = options(this, i);
		const language = text(this, 'language', i, 'fr') === 'en' ? 'en' : 'fr';
		const base = baseOptions(this, i);
		const overview = await receivablesOverview(ledger, {
			...base,
			aged: {
				groupBy: (o.groupBy as AgedGroupBy) || 'customer',
				buckets: dayList(o.buckets, 'Buckets'),
			},
			months: o.months === undefined ? undefined : Number(o.months),
			doubtfulAfterDays:
				o.doubtfulAfterDays === undefined ? undefined : Number(o.doubtfulAfterDays),
			from: o.from ? String(o.from).trim() || undefined : undefined,
		});
		const viewer = base.scope
			? { name: base.scope.staffCode ?? '', level: base.scope.level }
			: undefined;
		const full = buildReportView(overview, {
			language,
			viewer,
			company: text(this, 'company', i) || (await loadCompanyName(ledger)) || undefined,
			tableRows: o.tableRows === undefined ? undefined : Number(o.tableRows),
		});
		const wanted = (this.getNodeParameter('sections', i, []) as string[]) ?? [];
		const view: ReportView = wanted.length
			? { ...full, sections: full.sections.filter((s) => wanted.includes(s.key)) }
			: full;
		const pdf = Buffer.from(await renderReportViewPdf(view));
		const fileName = reportFileName(text(this, 'fileName', i), overview.asOf, language);
		const property = text(this, 'binaryPropertyName', i, 'data') || 'data';
		const binary = await this.helpers.prepareBinaryData(pdf, fileName, 'application/pdf');
		const json: IDataObject = {
			fileName,
			filePath: await preparedFilePath('reports', fileName),
			asOf: overview.asOf,
			language,
			title: view.title,
			scope: view.scopeText,
			sections: view.sections.map((s) => s.title),
			headline: headlineText(view),
			bytes: pdf.length,
		};
		return [{ json, binary: { [property]: binary } }];
	},
});
