export * from './commands';
export * from './kv-store';
export * from './kv-state-machine';
export * from './watch-hub';
export * from './snapshot-codec';
export { encodeMsgpackCommand } from './msgpack-command';
