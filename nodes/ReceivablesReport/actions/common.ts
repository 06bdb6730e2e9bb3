import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { ReceivablesError, type ReportBaseOptions, type ReportScope } from '../../../core';
import type { Result } from '../../shared/operation';
import { localiseRows, type Row } from '../helpers/rows';

const LANGUAGE: INodeProperties = {
	displayName: 'Language',
	name: 'language',
	type: 'options',
	options: [
		{ name: 'French', value: 'fr' },
		{ name: 'English', value: 'en' },
	],
	default: 'fr',
};

const shared: INodeProperties[] = [
	{
		displayName: 'As Of',
		name: 'asOf',
		type: 'string',
		default: '',
		placeholder: '2026-03-31',
		description:
			'The date the figures are computed at (YYYY-MM-DD or DD/MM/YYYY). Empty: today in the time zone. A past date gives the figures as they were then: later payments, credit notes and disputes do not change them.',
	},
];

const rowsOutput: INodeProperties[] = [
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		options: [
			{
				name: 'One Item per Row',
				value: 'rows',
				description:
					'Flat rows for a spreadsheet, CSV or XLSX file: plain keys, amounts as decimal strings',
			},
			{
				name: 'One Item with the Whole Report',
				value: 'report',
				description: 'The report as computed, with amounts in minor units per currency',
			},
		],
		default: 'rows',
	},
	{
		...LANGUAGE,
		displayName: 'Column Names',
		description: 'Language of the row keys (column headings of a CSV or XLSX file)',
		displayOptions: { show: { output: ['rows'] } },
	},
];

const scopeOptions: INodeProperties[] = [
	{
		displayName: 'Currency',
		name: 'currency',
		type: 'string',
		default: '',
		placeholder: 'EUR',
		description:
			'Only amounts in this currency (ISO 4217). Empty: every currency, each totalled apart.',
	},
	{
		displayName: 'Scope',
		name: 'scopeLevel',
		type: 'options',
		options: [
			{ name: 'Everything (Level 1)', value: 1 },
			{ name: "A Sales Rep's Customers (Level 2)", value: 2 },
			{ name: "A Group Head's Reps' Customers (Level 3)", value: 3 },
		],
		default: 1,
		description: 'The same accreditation levels as the tracking portal',
	},
	{
		displayName: 'Staff Code',
		name: 'staffCode',
		type: 'string',
		default: '',
		description: 'The sales rep (level 2) or group head (level 3) the report is limited to',
	},
	{
		displayName: 'Time Zone',
		name: 'zone',
		type: 'string',
		default: 'Europe/Paris',
		description: 'IANA zone in which dates are counted',
	},
];

/** Properties shown by every figure operation; `extra` are operation-specific entries of the Options collection. */
export function figureProperties(
	operation: string,
	extra: INodeProperties[] = [],
	rows = true,
): INodeProperties[] {
	const options: INodeProperties = {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...scopeOptions, ...extra].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
	return updateDisplayOptions({ show: { operation: [operation] } }, [
		...shared,
		...(rows ? rowsOutput : []),
		options,
	]);
}

export { LANGUAGE };

/** A parameter as a trimmed string ('' when empty). */
export function text(ctx: IExecuteFunctions, name: string, i: number, fallback = ''): string {
	const value = ctx.getNodeParameter(name, i, fallback) as unknown;
	return value === null || value === undefined ? '' : String(value).trim();
}

/** The Options collection of item `i`. */
export function options(ctx: IExecuteFunctions, i: number): IDataObject {
	return (ctx.getNodeParameter('options', i, {}) ?? {}) as IDataObject;
}

/** A list of whole numbers written "30, 60, 90" (or an array from an expression); undefined when empty. */
export function dayList(value: unknown, field: string): number[] | undefined {
	const parts = Array.isArray(value) ? value.map(String) : String(value ?? '').split(/[,;\s]+/);
	const cleaned = parts.map((p) => p.trim()).filter(Boolean);
	if (!cleaned.length) return undefined;
	const days = cleaned.map(Number);
	if (days.some((d) => !Number.isInteger(d) || d <= 0)) {
		throw new ReceivablesError(
			'REPORT_OPTIONS_INVALID',
			`${field}: "${cleaned.join(', ')}" is not a list of whole numbers of days / n'est pas une liste de nombres de jours.`,
			{
				hint: 'Write positive whole numbers separated by commas, for example 30, 60, 90.',
			},
		);
	}
	return days;
}

/** The as-of date, currency, zone and scope of item `i`. */
export function baseOptions(ctx: IExecuteFunctions, i: number): ReportBaseOptions {
	const o = options(ctx, i);
	const base: ReportBaseOptions = {};
	const asOf = text(ctx, 'asOf', i);
	if (asOf) base.asOf = asOf;
	if (o.zone && String(o.zone).trim()) base.zone = String(o.zone).trim();
	if (o.currency && String(o.currency).trim())
		base.currency = String(o.currency).trim().toUpperCase();
	const scope = scopeOf(o.scopeLevel, o.staffCode);
	if (scope) base.scope = scope;
	return base;
}

/** A report scope from a level and a staff code (checked by the core); undefined for everything (level 1). */
export function scopeOf(level: unknown, staffCode: unknown): ReportScope | undefined {
	const n = Number(level ?? 1) || 1;
	if (n === 1) return undefined;
	return { level: n as ReportScope['level'], staffCode: String(staffCode ?? '').trim() || null };
}

/** The item(s) of a report: the whole report as one item, or its flat rows (headings in the chosen language). */
export function reportItems<T extends object>(
	ctx: IExecuteFunctions,
	i: number,
	report: T,
	rows: (report: T, language: 'fr' | 'en') => Row[],
): Result[] {
	if (text(ctx, 'output', i, 'rows') === 'report')
		return [{ json: report as unknown as IDataObject }];
	const language = text(ctx, 'language', i, 'fr') === 'en' ? 'en' : 'fr';
	return localiseRows(rows(report, language), language).map((json) => ({ json }));
}

/** The From / To entries of the Options collection of the operations that cover a period. */
export const PERIOD_OPTIONS = (fromDescription: string): INodeProperties[] => [
	{
		displayName: 'From',
		name: 'from',
		type: 'string',
		default: '',
		placeholder: '2026-01-01',
		description: fromDescription,
	},
	{
		displayName: 'To',
		name: 'to',
		type: 'string',
		default: '',
		placeholder: '2026-03-31',
		description: 'Last day of the period (default: the as-of date)',
	},
];

export function period(o: IDataObject): { from?: string; to?: string } {
	const out: { from?: string; to?: string } = {};
	if (o.from && String(o.from).trim()) out.from = String(o.from).trim();
	if (o.to && String(o.to).trim()) out.to = String(o.to).trim();
	return out;
}
