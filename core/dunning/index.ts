export * from './templates';
export * from './policy';
export * from './charges';
export * from './statement';
export * from './plan';
export * from './render';
export * from './send';
export * from './letters';
export * from './bounce';
export * from './history';
export {
	renderTimelineEvent,
	TIMELINE_EVENT_KEYS,
	timelineEvent,
	timelineSummary,
	type TimelineEvent,
	type TimelineEventKey,
	type TimelineFields,
} from './timeline-text';
export * from './digest';
export * from './calls';
export * from './proof';
export * from './reconcile';
export * from './imapRecord';
export * from './policyFields';
export * from './preview';
