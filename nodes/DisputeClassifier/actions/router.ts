import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { errorJson, toNodeError } from '../../shared/errors';
import * as analyse from './analyse.operation';
import * as classify from './classify.operation';
import * as confirmLabel from './confirmLabel.operation';
import * as notify from './notify.operation';
import * as openDispute from './openDispute.operation';
import * as queueReview from './queueReview.operation';
import * as resolveDispute from './resolveDispute.operation';
import * as reviewQueue from './reviewQueue.operation';

type Handler = { execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[][]> };

const operations: Record<string, Handler> = { classify, openDispute, resolveDispute, analyse, queueReview, reviewQueue, confirmLabel, notify };

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
			return ['openDispute', 'resolveDispute', 'queueReview', 'confirmLabel'].includes(operation) ? [[], failed] : [failed];
		}
		throw toNodeError(this.getNode(), error);
	}
}
