export * from './smtp';
export * from './address';
export * from './compose';
export * from './pool';
