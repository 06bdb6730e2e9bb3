import { nodeRouter } from '../../shared/operation';
import * as confirmLetters from './confirmLetters.operation';
import * as decideReminder from './decideReminder.operation';
import * as digest from './digest.operation';
import * as lateCharges from './lateCharges.operation';
import * as plan from './plan.operation';
import * as previewReminder from './previewReminder.operation';
import * as processBounce from './processBounce.operation';
import * as reconcile from './reconcile.operation';
import * as recordOutcome from './recordOutcome.operation';
import * as renderLetter from './renderLetter.operation';
import * as savePolicy from './savePolicy.operation';
import * as sendEmail from './sendEmail.operation';
import * as showPolicies from './showPolicies.operation';
import * as statementOfCharges from './statementOfCharges.operation';
import * as timeline from './timeline.operation';

/** The operations of the node; the shared loop (nodes/shared/operation.ts) runs them. */
export const router = nodeRouter({
	plan,
	sendEmail,
	renderLetter,
	savePolicy,
	previewReminder,
	showPolicies,
	lateCharges,
	recordOutcome,
	timeline,
	processBounce,
	digest,
	reconcile,
	decideReminder,
	confirmLetters,
	statementOfCharges,
});
