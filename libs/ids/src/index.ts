export * from './errors';
export * from './clock';

export * from './snowflake/snowflake-layout';
export type { IssuePermit } from './snowflake/issue-permit';
export { DEFAULT_MAX_BACKWARDS_WAIT_MS, type SnowflakeOptions } from './snowflake/snowflake-options';
export { SnowflakeGenerator, type SnowflakeGeneratorOptions } from './snowflake/snowflake-generator';
export { AsyncSnowflakeGenerator, type AsyncSnowflakeGeneratorOptions } from './snowflake/async-snowflake-generator';

export * from './object-id/object-id-layout';
export { ObjectIdGenerator, type ObjectIdGeneratorOptions, type RandomBytes } from './object-id/object-id-generator';

export type { WorkerIdLease, WorkerIdLeaseStore } from './lease/worker-id-lease-store';
export { InMemoryWorkerIdLeaseStore } from './lease/in-memory-worker-id-lease-store';
export { RedisWorkerIdLeaseStore, type RedisWorkerIdLeaseStoreOptions } from './lease/redis-worker-id-lease-store';
export {
  WorkerIdLeaseKeeper,
  type WorkerIdLeaseKeeperOptions,
  type WorkerIdLeaseState,
} from './lease/worker-id-lease-keeper';

export * from './sequence/sequence-scope';
export { MAX_SEQUENCE_VALUE, type SequenceBlock, type SequenceBlockStore } from './sequence/sequence-block-store';
export { InMemorySequenceBlockStore } from './sequence/in-memory-sequence-block-store';
export { RedisSequenceBlockStore, type RedisSequenceBlockStoreOptions } from './sequence/redis-sequence-block-store';
export { SequenceAllocator, type SequenceAllocatorOptions } from './sequence/sequence-allocator';
