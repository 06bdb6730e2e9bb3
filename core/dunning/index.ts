export * from './templates';
export * from './policy';
export * from './charges';
export * from './plan';
export * from './render';
export * from './send';
export * from './letters';
export * from './bounce';
