import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

/** Output 0 carries accepted items, output 1 rejected ones, each paired with the input item. */
export type IntakeOutputs = [INodeExecutionData[], INodeExecutionData[]];

export function accepted(item: number, json: IDataObject): INodeExecutionData {
	return { json, pairedItem: { item } };
}

export function rejected(item: number, input: IDataObject, error: IDataObject): INodeExecutionData {
	return { json: { ...error, input }, pairedItem: { item } };
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
