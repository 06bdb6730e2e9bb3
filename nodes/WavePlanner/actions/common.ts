import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { isReceivablesError } from '../../../core';
import { errorJson, toNodeError } from '../../shared/errors';

/** Runs `work` per item; a business refusal becomes an error item (continueOnFail) or a node error naming the item. */
export async function perItem(
	ctx: IExecuteFunctions,
	work: (i: number, item: INodeExecutionData) => Promise<IDataObject[]>,
): Promise<INodeExecutionData[]> {
	const items = ctx.getInputData();
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			for (const json of await work(i, items[i])) out.push({ json, pairedItem: { item: i } });
		} catch (error) {
			if (!isReceivablesError(error) || !ctx.continueOnFail()) throw toNodeError(ctx.getNode(), error, i);
			out.push({ json: { ...errorJson(error), input: items[i].json }, pairedItem: { item: i } });
		}
	}
	return out;
}

export function list(value: unknown): string[] {
	if (Array.isArray(value)) return value.map((v) => String(v).trim()).filter(Boolean);
	return String(value ?? '').split(/[,;\n]/).map((v) => v.trim()).filter(Boolean);
}
