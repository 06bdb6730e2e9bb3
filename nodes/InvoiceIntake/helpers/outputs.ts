import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { bilingual } from '../../shared/errors';
import type { OutputSpec, Result } from '../../shared/operation';

/** The outputs of every operation; the operations that record payments add Paid Invoices. */
export const INTAKE_OUTPUTS: OutputSpec[] = [
	{ name: 'Accepted', meaning: 'A record stored (created, revised or unchanged), with its warnings' },
	{ name: 'Rejected', meaning: 'A record refused: what is wrong (error/errorFr, code), how to fix it (hint/hintFr), and the input', rejects: true },
];

export const PAYMENT_OUTPUTS: OutputSpec[] = [...INTAKE_OUTPUTS, { name: 'Paid Invoices', meaning: 'One invoice paid in full by this payment' }];

export function accepted(item: number, json: IDataObject): Result {
	return { json, item };
}

/** A refused record for the Rejected output; the French text is always there (the English one, said so, at worst). */
export function rejected(item: number, input: IDataObject, error: IDataObject): Result {
	const json: IDataObject = { ...error, input };
	if (typeof error.error === 'string' && typeof error.errorFr !== 'string') json.errorFr = bilingual(error.error).fr;
	if (typeof error.hint === 'string' && typeof error.hintFr !== 'string') json.hintFr = bilingual(error.hint).fr;
	return { json, item, output: 'Rejected' };
}

export function paidInvoice(item: number | undefined, json: IDataObject): Result {
	return { json, item, output: 'Paid Invoices' };
}

/**
 * The record of item `i`: its JSON (mode `item`), or the JSON parameter `parameter` (mode `define`, an object or
 * JSON text). Undefined when that is not a JSON object.
 */
export function itemRecord(context: IExecuteFunctions, items: INodeExecutionData[], i: number, mode: string, parameter: string): Record<string, unknown> | undefined {
	let record: unknown = mode === 'item' ? items[i].json : context.getNodeParameter(parameter, i, {});
	if (typeof record === 'string') {
		try {
			record = JSON.parse(record);
		} catch {
			return undefined;
		}
	}
	return record && typeof record === 'object' && !Array.isArray(record) ? (record as Record<string, unknown>) : undefined;
}
