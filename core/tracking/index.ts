export * from './tokens';
export * from './portal';
export * from './events';
export * from './pages';
export * from './couriers';
export * from './keys';
export * from './sessions';
export * from './devices';
