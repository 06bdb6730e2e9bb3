import { nodeRouter } from '../../shared/operation';
import * as afnorFlowNotification from './afnorFlowNotification.operation';
import * as applyPayment from './applyPayment.operation';
import * as blockedInvoices from './blockedInvoices.operation';
import * as importBankStatement from './importBankStatement.operation';
import * as lifecycleSettings from './lifecycleSettings.operation';
import * as lifecycleStatuses from './lifecycleStatuses.operation';
import * as cashedStatus from './cashedStatus.operation';
import * as confirmCashedStatuses from './confirmCashedStatuses.operation';
import * as receiveSignedRequest from './receiveSignedRequest.operation';
import * as receiveSignedStatuses from './receiveSignedStatuses.operation';
import * as retryUnappliedPayments from './retryPayments.operation';
import * as storeCustomers from './storeCustomers.operation';
import * as storeInvoices from './storeInvoices.operation';
import * as storeInvoicesFromFile from './storeInvoicesFromFile.operation';
import * as storePayments from './storePayments.operation';

/** The operations of the node; the shared loop (nodes/shared/operation.ts) runs them. */
export const router = nodeRouter({
	storeCustomers,
	storeInvoices,
	storeInvoicesFromFile,
	storePayments,
	receiveSignedRequest,
	retryUnappliedPayments,
	applyPayment,
	importBankStatement,
	lifecycleStatuses,
	lifecycleSettings,
	receiveSignedStatuses,
	cashedStatus,
	confirmCashedStatuses,
	blockedInvoices,
	afnorFlowNotification,
});
