import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { toNodeError } from '../../shared/errors';
import * as pages from './pages.operation';
import * as recordEvent from './recordEvent.operation';
import * as revoke from './revoke.operation';
import * as savePortalUser from './savePortalUser.operation';
import * as statusQuery from './statusQuery.operation';

type Handler = { execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[][]> };

const operations: Record<string, Handler> = { recordEvent, statusQuery, savePortalUser, saveCourierAccount: savePortalUser, portalPage: pages, courierPage: pages, revokeCourierDevice: revoke, revokeSessions: revoke };

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
