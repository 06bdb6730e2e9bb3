import { nodeRouter } from '../../shared/operation';
import * as exportCallList from './exportCallList.operation';
import * as planCalls from './planCalls.operation';
import * as promiseStats from './promiseStats.operation';
import * as recordOutcome from './recordOutcome.operation';
import * as settlePromises from './settlePromises.operation';

/** The operations of the node; the shared loop (nodes/shared/operation.ts) runs them. */
export const router = nodeRouter({
	planCalls,
	recordOutcome,
	settlePromises,
	promiseStats,
	exportCallList,
});
