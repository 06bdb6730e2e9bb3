/**
 * n8n-nodes-receivables — the programmatic API. Every business rule of the package lives in this core,
 * free of n8n, and the nodes call it. Import it from any Node.js program:
 *
 *   const { openLedger, storeInvoices } = require('n8n-nodes-receivables');
 */
export * from './errors';
export * from './money';
export * from './ledger';
export * from './mail';
export * from './time';
export * from './intake';
export * from './dunning';
export * from './documents';
export * from './disputes';
export * from './distribution';
export * from './tracking';
export * from './contacts';
export * from './reports';
export * from './files';
export * from './bank';
export * from './einvoicing';
export * from './payer';
export * from './company';
