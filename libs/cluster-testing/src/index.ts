export * from './cluster-harness';
