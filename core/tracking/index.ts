export * from './tokens';
export * from './portal';
export * from './events';
export * from './pages';
export * from './couriers';
