import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { toNodeError } from '../../shared/errors';
import * as agedBalance from './agedBalance.operation';
import * as balanceCleaning from './balanceCleaning.operation';
import * as dashboardPage from './dashboardPage.operation';
import * as daysLate from './daysLate.operation';
import * as disputeAnalysis from './disputeAnalysis.operation';
import * as distribution from './distribution.operation';
import * as dsoCei from './dsoCei.operation';
import * as filesFolder from './filesFolder.operation';
import * as emailReport from './emailReport.operation';
import * as pdfReport from './pdfReport.operation';
import * as reminderResults from './reminderResults.operation';

type Handler = { execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[][]> };

const operations: Record<string, Handler> = {
	agedBalance,
	dsoCei,
	daysLate,
	balanceCleaning,
	reminderResults,
	disputeAnalysis,
	distribution,
	pdfReport,
	dashboardPage,
	emailReport,
	filesFolder,
};

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
