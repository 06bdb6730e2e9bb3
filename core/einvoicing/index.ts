// E-invoicing lifecycle (French reform 2026–2027): CDAR statuses in and out, and their effects on collections.
export * from './statuses';
export * from './cdar';
export * from './ledger';
export * from './webhook';
export * from './outbox';
export * from './report';
export * from './afnor';
