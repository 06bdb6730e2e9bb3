export * from './templates';
export * from './policy';
export * from './charges';
export * from './plan';
