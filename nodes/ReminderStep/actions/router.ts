import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { errorJson, toNodeError } from '../../shared/errors';
import { outputNames } from '../helpers/outputs';
import * as confirmLetters from './confirmLetters.operation';
import * as decideReminder from './decideReminder.operation';
import * as digest from './digest.operation';
import * as lateCharges from './lateCharges.operation';
import * as plan from './plan.operation';
import * as processBounce from './processBounce.operation';
import * as reconcile from './reconcile.operation';
import * as recordOutcome from './recordOutcome.operation';
import * as renderLetter from './renderLetter.operation';
import * as savePolicy from './savePolicy.operation';
import * as sendEmail from './sendEmail.operation';
import * as statementOfCharges from './statementOfCharges.operation';
import * as timeline from './timeline.operation';

type Handler = { execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[][]> };

const operations: Record<string, Handler> = { plan, sendEmail, renderLetter, savePolicy, lateCharges, recordOutcome, timeline, processBounce, digest, reconcile, decideReminder, confirmLetters, statementOfCharges };

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = operations[operation];
	if (!handler) throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	try {
		return await handler.execute.call(this);
	} catch (error) {
		// The whole run failed (ledger or mail server unreachable, invalid policy or parameters).
		if (this.continueOnFail()) {
			const outputs: INodeExecutionData[][] = outputNames(operation).map(() => []);
			outputs[outputs.length - 1] = this.getInputData().map((item, i) => ({ json: { ...errorJson(error), input: item.json }, pairedItem: { item: i } }));
			return outputs;
		}
		throw toNodeError(this.getNode(), error);
	}
}
