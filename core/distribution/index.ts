export * from './calendar';
export * from './retroplanning';
export * from './cycles';
export * from './waves';
export * from './manifest';
