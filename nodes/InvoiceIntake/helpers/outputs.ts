import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

/** Output 0 carries accepted items, output 1 rejected ones, each paired with the input item. */
export type IntakeOutputs = [INodeExecutionData[], INodeExecutionData[]];

export function accepted(item: number, json: IDataObject): INodeExecutionData {
	return { json, pairedItem: { item } };
}

export function rejected(item: number, input: IDataObject, error: IDataObject): INodeExecutionData {
	return { json: { ...error, input }, pairedItem: { item } };
}
