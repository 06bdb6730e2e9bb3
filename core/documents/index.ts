export * from './letter';
export * from './proofOfDelivery';
export * from './invoiceCopy';
export * from './cells';
