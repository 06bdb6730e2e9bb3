import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { bilingual } from '../../shared/errors';
import type { OutputSpec, Result } from '../../shared/operation';

/** The outputs of every operation; the operations that record payments add Paid Invoices. */
export const INTAKE_OUTPUTS: OutputSpec[] = [
	{
		name: 'Accepted',
		meaning: 'A record stored (created, revised or unchanged), with its warnings',
	},
	{
		name: 'Rejected',
		meaning:
			'A record refused: what is wrong (error/errorFr, code), how to fix it (hint/hintFr), and the input',
		rejects: true,
	},
];

export const PAYMENT_OUTPUTS: OutputSpec[] = [
	...INTAKE_OUTPUTS,
	{ name: 'Paid Invoices', meaning: 'One invoice paid in full by this payment' },
];

export function accepted(item: number, json: IDataObject): Result {
	return { json, item };
}

/** A refused record for the Rejected output; the French text is always there (the English one, said so, at worst). */
export function rejected(item: number, input: IDataObject, error: IDataObject): Result {
	const json: IDataObject = { ...error, input };
	if (typeof error.error === 'string' && typeof error.errorFr !== 'string')
		json.errorFr = bilingual(error.error).fr;
	if (typeof error.hint === 'string' && typeof error.hintFr !== 'string')
		json.hintFr = bilingual(error.hint).fr;
	return { json, item, output: 'Rejected' };
}

export function paidInvoice(item: number | undefined, json: IDataObject): Result {
	return { json, item, output: 'Paid Invoices' };
}

/**
 * The record of item `i`: its JSON (mode `item`), or the JSON parameter `parameter` (mode `define`, an object or
 * JSON text). Undefined when that is not a JSON object.
 */
export function itemRecord(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	i: number,
	mode: string,
	parameter: string,
): Record<string, unknown> | undefined {
	let record: unknown =
		mode === 'item' ? items[i].json : context.getNodeParameter(parameter, i, {});
	if (typeof record === 'string') {
		try {
			record = JSON.parse(record);
		} catch {
			return undefined;
		}
	}
	return record && typeof record === 'object' && !Array.isArray(record)
		? (record as Record<string, unknown>)
		: undefined;
}

/** Node versions from which the bulk operations answer with a summary unless one item per invoice is asked for. */
export const SUMMARY_BY_DEFAULT_FROM = 2;

/**
 * The output mode parameter of a bulk operation: one item per stored invoice (version 1's only behaviour) or one
 * summary item (counts, anomalies); rejected items are one item each on Rejected in both modes. Two definitions
 * of the same parameter, one per node version, so that each version has its own default.
 */
export function outputModeProperties(operation: string): INodeProperties[] {
	const options = [
		{
			name: 'Summary',
			value: 'summary',
			description:
				'One item on Accepted with the counts (created, revised, unchanged, rejected) and the warnings by code: for large batches, nothing per invoice kept in the execution',
		},
		{
			name: 'One Item per Invoice',
			value: 'invoices',
			description: 'One item on Accepted per invoice stored, with its ledger ID and status',
		},
	];
	return [
		{
			displayName: 'Output',
			name: 'outputMode',
			type: 'options',
			options,
			default: 'invoices',
			displayOptions: { show: { operation: [operation], '@version': [1] } },
		},
		{
			displayName: 'Output',
			name: 'outputMode',
			type: 'options',
			options,
			default: 'summary',
			displayOptions: {
				show: { operation: [operation], '@version': [{ _cnd: { gte: SUMMARY_BY_DEFAULT_FROM } }] },
			},
		},
	];
}

/** Counts of a summary item. */
export interface IntakeSummary {
	[key: string]: number | Record<string, number> | string | undefined;
	items: number;
	created: number;
	revised: number;
	unchanged: number;
	rejected: number;
	/** Invoices stored with at least one warning. */
	withWarnings: number;
	/** Warnings and blocking anomalies by rule code. */
	anomalies: Record<string, number>;
}

export function newSummary(): IntakeSummary {
	return {
		items: 0,
		created: 0,
		revised: 0,
		unchanged: 0,
		rejected: 0,
		withWarnings: 0,
		anomalies: {},
	};
}

export function countAnomalies(
	summary: IntakeSummary,
	anomalies: ReadonlyArray<{ code?: string }> | undefined,
): void {
	if (!anomalies) return;
	for (const anomaly of anomalies) {
		const code = anomaly.code ?? 'UNKNOWN';
		summary.anomalies[code] = (summary.anomalies[code] ?? 0) + 1;
	}
}

/** The summary item, paired with every input item it accounts for (as n8n's Aggregate node pairs its item). */
export function summaryItem(summary: IntakeSummary, inputCount: number): Result {
	return {
		json: summary as unknown as IDataObject,
		item: Array.from({ length: inputCount }, (_v, item) => item),
	};
}
