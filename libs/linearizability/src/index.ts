export * from './history';
export * from './kv-model';
export * from './wgl';
export * from './minimize';
export * from './check';
