export * from './kernel/types';
export * from './kernel/errors';
export * from './kernel/options';
export * from './kernel/storage';
