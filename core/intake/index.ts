export * from './anomaly';
export * from './record';
