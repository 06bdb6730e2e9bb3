import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { isReceivablesError } from '../../../core';
import { errorJson, toNodeError } from '../../shared/errors';

export function text(context: IExecuteFunctions, name: string, item: number, fallback = ''): string {
	const value = context.getNodeParameter(name, item, fallback) as unknown;
	if (value === null || value === undefined) return '';
	return (typeof value === 'string' ? value : String(value)).trim();
}

/** Comma, semicolon or newline separated values, or an array (from an expression). */
export function list(value: unknown): string[] {
	if (Array.isArray(value)) return value.map((v) => String(v ?? '').trim()).filter(Boolean);
	if (value === null || value === undefined) return [];
	return String(value).split(/[,;\n]+/).map((v) => v.trim()).filter(Boolean);
}

export function rejectedItem(context: IExecuteFunctions, error: unknown, item: number, input: IDataObject): INodeExecutionData {
	if (!isReceivablesError(error)) throw toNodeError(context.getNode(), error, item);
	return { json: { ...errorJson(error), details: (error.details ?? {}) as IDataObject, input }, pairedItem: { item } };
}
