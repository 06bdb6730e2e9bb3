import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { isReceivablesError } from '../../../core';
import { errorJson, toNodeError } from '../../shared/errors';

/** A parameter as a trimmed string ('' when empty or not given). */
export function text(context: IExecuteFunctions, name: string, item: number, fallback = ''): string {
	const value = context.getNodeParameter(name, item, fallback) as unknown;
	if (value === null || value === undefined) return '';
	return (typeof value === 'string' ? value : String(value)).trim();
}

/** Comma, semicolon or newline separated references, or an array (from an expression). */
export function list(value: unknown): string[] {
	if (Array.isArray(value)) return value.map((v) => String(v ?? '').trim()).filter(Boolean);
	if (value === null || value === undefined) return [];
	return String(value).split(/[,;\n]+/).map((v) => v.trim()).filter(Boolean);
}

/** An item for the Rejected output: what went wrong, how to fix it, the input it came from. */
export function rejectedItem(context: IExecuteFunctions, error: unknown, item: number, input: IDataObject): INodeExecutionData {
	if (!isReceivablesError(error)) throw toNodeError(context.getNode(), error, item);
	return { json: { ...errorJson(error), details: (error.details ?? {}) as IDataObject, input }, pairedItem: { item } };
}

/** The dispute categories as options (Open Dispute); Confirm Label adds the other labels of the classifier. */
export const DISPUTE_CATEGORY_OPTIONS = [
	{ name: 'Administrative (Billing, Credit Notes, Matching)', value: 'administrative' },
	{ name: 'Commercial (Price, Offer Not Suited)', value: 'commercial' },
	{ name: 'Logistics (Delivery, Packaging)', value: 'logistics' },
	{ name: 'Other', value: 'other' },
	{ name: 'Technical (Malfunction, Service)', value: 'technical' },
];

/**
 * Runs `work` for each input item with its Options collection: what it returns goes to the first output, a
 * ReceivablesError to the Rejected output (with what is wrong, how to fix it, and the input item).
 */
export async function eachItem(context: IExecuteFunctions, work: (item: number, options: IDataObject) => Promise<object>): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const done: INodeExecutionData[] = [];
	const rejected: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const result = await work(i, context.getNodeParameter('options', i, {}) as IDataObject);
			done.push({ json: { ...result } as IDataObject, pairedItem: { item: i } });
		} catch (error) {
			rejected.push(rejectedItem(context, error, i, items[i].json));
		}
	}
	return [done, rejected];
}
