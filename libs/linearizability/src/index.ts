export * from './errors';
export * from './history';
export * from './kv-model';
export * from './wgl';
export * from './minimize';
export * from './explain';
export * from './check';
