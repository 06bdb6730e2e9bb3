export * from './config';
export * from './ledger';
export * from './health';
export { migrateLedger, knownMigrations, MIGRATIONS_TABLE } from './migrate';
export { describeConnectionError } from './connectionErrors';
export * from './types';
export { upsertCustomers, type CustomerOutcome } from './customers';
export { storeInvoices, invoiceContentHash, type StoreInvoicesOptions } from './invoices';
export { copyRows, copyField } from './copy';
export { noteBulkRows, statisticsStale, ANALYZE_SHARE, ANALYZE_MIN_ROWS } from './statistics';
export * from './payments';
export {
	listLedgerFindings,
	settleLedgerFinding,
	type LedgerFinding,
	type LedgerFindingKind,
} from './findings';
export { effectiveDate, effectiveInstant } from './effective';
