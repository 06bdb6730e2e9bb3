export * from './smtp';
export * from './address';
