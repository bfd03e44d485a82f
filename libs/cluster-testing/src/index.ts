export * from './cluster-harness';
export * from './process-exit';
