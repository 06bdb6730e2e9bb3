export * from './anomaly';
export * from './record';
export * from './paymentRecord';
