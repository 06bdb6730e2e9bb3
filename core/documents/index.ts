export * from './letter';
export * from './proofOfDelivery';
