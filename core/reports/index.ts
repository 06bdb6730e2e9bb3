export * from './types';
export {
	AGED_BALANCE_SQL,
	AGED_GROUPS,
	DEFAULT_AGED_BUCKETS,
	agedBalance,
	agedBuckets,
} from './aged';
export {
	COUNTBACK_MAX_MONTHS,
	NET_SALES_SQL,
	OPEN_TOTALS_SQL,
	cei,
	countbackDso,
	dso,
	simpleDso,
	trendMonths,
} from './dso';
export { DAYS_LATE_SQL, daysLate } from './daysLate';
export { BALANCE_CLEANING_SQL, DOUBTFUL_HOLD_PATTERN, balanceCleaning } from './cleaning';
export {
	REMINDERS_PER_PAID_SQL,
	REMINDER_STAGES_SQL,
	REMINDER_VOLUMES_SQL,
	reminderResults,
} from './reminders';
export { disputeReport } from './disputes';
export { DISTRIBUTION_SQL, distributionReport } from './distribution';
export { receivablesOverview } from './overview';
export { NET_PARTS_SQL, netReceivables } from './net';
export * from './charts';
export * from './pdf';
export * from './dashboard';
