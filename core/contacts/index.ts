export {
	planCalls,
	type PlanCallsOptions,
	type PlannedCall,
	type PlannedCallInvoice,
	type CallPlan,
} from './plan';
export {
	recordCallOutcome,
	CALL_OUTCOMES,
	OUTCOME_FAMILY,
	OUTCOME_FAMILIES,
	type CallOutcome,
	type OutcomeFamily,
	type RecordCallInput,
	type RecordedCall,
} from './outcome';
export {
	settlePromises,
	promiseStats,
	type SettledPromise,
	type SettleResult,
	type PromiseStats,
} from './promises';
export { callListCsv, callListPdf, safeCell } from './export';
export { checklistFor, CHECKLIST_KEYS, type ChecklistKey, type ChecklistItem } from './checklist';
