export * from './identity';
export * from './logo';
export * from './store';
