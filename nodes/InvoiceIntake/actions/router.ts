import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { errorJson, toNodeError } from '../../shared/errors';
import * as applyPayment from './applyPayment.operation';
import * as receiveSignedRequest from './receiveSignedRequest.operation';
import * as retryUnappliedPayments from './retryPayments.operation';
import * as storeCustomers from './storeCustomers.operation';
import * as storeInvoices from './storeInvoices.operation';
import * as storeInvoicesFromFile from './storeInvoicesFromFile.operation';
import * as storePayments from './storePayments.operation';

const operations: Record<string, { execute: (this: IExecuteFunctions, items: INodeExecutionData[]) => Promise<INodeExecutionData[][]> }> = {
	storeCustomers,
	storeInvoices,
	storeInvoicesFromFile,
	storePayments,
	receiveSignedRequest,
	retryUnappliedPayments,
	applyPayment,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = operations[operation];
	if (!handler) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	}
	try {
		return await handler.execute.call(this, items);
	} catch (error) {
		// A failure of the whole batch (ledger unreachable, schema too new): nothing was written.
		if (this.continueOnFail()) {
			return [[], items.map((item, i) => ({ json: { ...errorJson(error), input: item.json }, pairedItem: { item: i } }))];
		}
		throw toNodeError(this.getNode(), error);
	}
}
