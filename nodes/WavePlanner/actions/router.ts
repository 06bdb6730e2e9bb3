import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { toNodeError } from '../../shared/errors';
import * as cycleInvoices from './cycleInvoices.operation';
import * as manifestPdf from './manifestPdf.operation';
import * as markEntered from './markEntered.operation';
import * as planWaves from './planWaves.operation';
import * as releaseWave from './releaseWave.operation';
import * as retroplanning from './retroplanning.operation';
import * as waveCosts from './waveCosts.operation';

type Handler = { execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[][]> };

const operations: Record<string, Handler> = { cycleInvoices, planWaves, retroplanning, markEntered, manifestPdf, releaseWave, waveCosts };

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = operations[operation];
	if (!handler) throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	try {
		return await handler.execute.call(this);
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}
