export * from './kernel/types';
export * from './kernel/errors';
export * from './kernel/options';
export * from './kernel/storage';
export * from './kernel/status';
export * from './actor';
export * from './session';
