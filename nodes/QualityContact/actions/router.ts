import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { OUTCOME_FAMILIES } from '../../../core';
import { errorJson, toNodeError } from '../../shared/errors';
import * as exportCallList from './exportCallList.operation';
import * as planCalls from './planCalls.operation';
import * as promiseStats from './promiseStats.operation';
import * as recordOutcome from './recordOutcome.operation';
import * as settlePromises from './settlePromises.operation';

type Handler = { execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[][]> };

const operations: Record<string, Handler> = { planCalls, recordOutcome, settlePromises, promiseStats, exportCallList };

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = operations[operation];
	if (!handler) throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	try {
		return await handler.execute.call(this);
	} catch (error) {
		// The whole run failed (ledger unreachable, invalid parameters): nothing was written.
		if (this.continueOnFail()) {
			const failed = this.getInputData().map((item, i) => ({ json: { ...errorJson(error), input: item.json }, pairedItem: { item: i } }));
			if (operation === 'recordOutcome') return [...OUTCOME_FAMILIES.map(() => []), failed];
			if (operation === 'settlePromises') return [[], failed];
			return [failed];
		}
		throw toNodeError(this.getNode(), error);
	}
}
