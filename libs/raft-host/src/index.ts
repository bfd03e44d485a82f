export * from './raft-host';
export * from './errors';
export * from './state-machine';
export * from './waiters';
