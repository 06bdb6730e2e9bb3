export * from './config';
export * from './ledger';
export * from './health';
export { migrateLedger, knownMigrations, MIGRATIONS_TABLE } from './migrate';
export { describeConnectionError } from './connectionErrors';
export * from './types';
export { upsertCustomers, type CustomerOutcome } from './customers';
export { storeInvoices, invoiceContentHash, type StoreInvoicesOptions } from './invoices';
export { copyRows, copyField } from './copy';
