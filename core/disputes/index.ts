export {
	classifyDispute,
	classifyWithModel,
	type ClassifyOptions,
	type ClassificationNote,
	type DisputeClassification,
} from './classify';
export {
	CATEGORIES as DISPUTE_LABELS,
	DISPUTE_CATEGORIES,
	SUBCATEGORIES as DISPUTE_SUBCATEGORIES,
	type DisputeCategory,
} from './lexicon';
export { trainDisputeModel, type TrainingExample, type TrainingOptions } from './training';
export type { DisputeModel } from './model';
export { shippedReviewThreshold } from './model';
export type { ExtractedAmount } from './extract';
export {
	openDispute,
	senderAddress,
	resolveDispute,
	addDisputeNote,
	disputeRouting,
	findInvoicesByNumber,
	DEFAULT_ROUTING,
	DISPUTE_LEDGER_CATEGORIES,
	DISPUTE_RESOLUTIONS,
	type OpenDisputeInput,
	type OpenedDispute,
	type ResolveDisputeInput,
	type ResolvedDispute,
	type DisputeResolution,
	type DisputeRouting,
	type DisputeLedgerCategory,
	type OwnerKind,
} from './ledger';
export {
	analyseDisputes,
	disputeAnalysisRows,
	DISPUTE_ANALYSIS_SQL,
	DISPUTE_ROOT_CAUSES_SQL,
	DISPUTE_DIMENSIONS,
	type DisputeAnalysis,
	type DisputeAnalysisOptions,
	type DisputeDimension,
	type DisputeGroup,
	type RootCause,
} from './analysis';
export {
	queueReview,
	listReviews,
	confirmLabel,
	reviewedExamples,
	type QueueReviewInput,
	type QueuedReview,
	type ReviewItem,
	type ConfirmLabelInput,
	type ConfirmedLabel,
} from './review';
export {
	DISPUTE_LABEL_CODES,
	disputeCategoryLabel,
	disputeKeyLabel,
	disputeKindLabel,
	disputeSubcategoryLabel,
} from './labels';
export {
	replyNotification,
	notificationRecipients,
	type ReplyNotification,
	type ReplyNotificationInput,
} from './notify';
export {
	retrainDisputeModel,
	rollbackDisputeModel,
	activeDisputeModel,
	shippedTrainingSet,
	fitTemperature,
	reviewThresholdFor,
	type RetrainOptions,
	type RetrainResult,
	type ModelScores,
} from './retrain';
export { splitDisputed, disputedPartSql, type InvoiceDisputes, type DisputedSplit } from './part';
