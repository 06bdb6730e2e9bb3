export { classifyDispute, classifyWithModel, type ClassifyOptions, type ClassificationNote, type DisputeClassification } from './classify';
export { CATEGORIES as DISPUTE_LABELS, DISPUTE_CATEGORIES, SUBCATEGORIES as DISPUTE_SUBCATEGORIES, type DisputeCategory } from './lexicon';
export { trainDisputeModel, type TrainingExample, type TrainingOptions } from './training';
export type { DisputeModel } from './model';
export type { ExtractedAmount } from './extract';
