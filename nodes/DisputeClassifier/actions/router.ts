import { nodeRouter } from '../../shared/operation';
import * as analyse from './analyse.operation';
import * as classify from './classify.operation';
import * as confirmLabel from './confirmLabel.operation';
import * as notify from './notify.operation';
import * as openDispute from './openDispute.operation';
import * as queueReview from './queueReview.operation';
import * as resolveDispute from './resolveDispute.operation';
import * as reviewQueue from './reviewQueue.operation';
import * as retrain from './retrainModel.operation';

/** The operations of the node; the shared loop (nodes/shared/operation.ts) runs them. */
export const router = nodeRouter({
	classify,
	openDispute,
	resolveDispute,
	analyse,
	queueReview,
	reviewQueue,
	confirmLabel,
	notify,
	retrainModel: { operation: retrain.operation },
	rollbackModel: { operation: retrain.rollback },
});
