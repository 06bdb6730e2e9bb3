import { NodeOperationError, type INode } from 'n8n-workflow';
import { isReceivablesError } from '../../core';

/** Turns any error of the core into an n8n error that names the item and says how to fix it. */
export function toNodeError(node: INode, error: unknown, itemIndex?: number): NodeOperationError {
	if (error instanceof NodeOperationError) return error;
	if (isReceivablesError(error)) {
		return new NodeOperationError(node, error.message, {
			itemIndex,
			description: error.hint,
			...(itemIndex === undefined ? {} : { itemIndex }),
		});
	}
	return new NodeOperationError(node, error as Error, { itemIndex });
}

/** The JSON of an error item: what went wrong, where and how to fix it. */
export function errorJson(error: unknown): { error: string; code?: string; hint?: string } {
	if (isReceivablesError(error)) return { error: error.message, code: error.code, hint: error.hint };
	return { error: error instanceof Error ? error.message : String(error) };
}
