export * from './anomaly';
export * from './record';
export * from './paymentRecord';
export * from './signature';
export * from './stripe';
export * from './webhook';
export * from './parse';
export * from './checks';
