// The rows of the rate limiter benchmark: one limiter each, created only inside the child
// process that measures it (see rate-limiter-worker.ts).
import {
  FixedWindow,
  LeakyBucketMeter,
  LeasedTokenBucket,
  type RateLimiter,
  RedisFixedWindow,
  RedisLeakyBucketMeter,
  RedisSlidingLog,
  RedisSlidingWindowCounter,
  RedisTokenBucket,
  SlidingLog,
  SlidingWindowCounter,
  TokenBucket,
} from '@raft/rate-limiter';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { Consumer } from './rate-limiter-measure';

/** Where a row's limiter keeps its state. */
export type Store = 'memory' | 'redis';

/** One benchmark row: a name for the table and how to build its consumer. */
export interface RowSpec {
  readonly name: string;
  /** `redis` and `prefix` are given to Redis rows only. */
  readonly create: (redis: Redis | undefined, prefix: string) => Consumer;
}

// Generous limits: the benchmark measures the admit path (state is read and written).
const BIG = 1_000_000_000;
const bucket = { capacity: BIG, refillTokens: 1, refillIntervalMs: 1000 };
const window = { limit: BIG, windowMs: 60_000 };

const ours = (limiter: RateLimiter): Consumer => async (key) => void (await limiter.tryAcquire(key));
const flexible = (limiter: RateLimiterMemory | RateLimiterRedis): Consumer => async (key) => void (await limiter.consume(key, 1));

/** Maps the benchmark's round-robin keys onto `count` keys. */
function hotKeys(count: number, consume: Consumer): Consumer {
  return (key) => consume(`hot${Number(key.slice(1)) % count}`);
}

function need(redis: Redis | undefined): Redis {
  if (redis === undefined) throw new Error('a Redis row needs a connection');
  return redis;
}

export const ROWS: Readonly<Record<Store, readonly RowSpec[]>> = {
  memory: [
    { name: 'token bucket', create: () => ours(new TokenBucket(bucket)) },
    { name: 'token bucket (borrow)', create: () => ours(new TokenBucket({ ...bucket, mode: 'borrow' })) },
    { name: 'leaky bucket meter (GCRA)', create: () => ours(new LeakyBucketMeter({ capacity: BIG, leakTokens: 1, leakIntervalMs: 1000 })) },
    { name: 'fixed window', create: () => ours(new FixedWindow(window)) },
    { name: 'sliding log (limit 100/s)', create: () => ours(new SlidingLog({ limit: 100, windowMs: 1000 })) },
    { name: 'sliding window counter', create: () => ours(new SlidingWindowCounter(window)) },
    { name: 'rate-limiter-flexible RateLimiterMemory', create: () => flexible(new RateLimiterMemory({ points: BIG, duration: 60 })) },
  ],
  redis: [
    { name: 'token bucket', create: (redis, prefix) => ours(new RedisTokenBucket(bucket, { redis: need(redis), prefix })) },
    {
      name: 'leaky bucket meter (GCRA)',
      create: (redis, prefix) => ours(new RedisLeakyBucketMeter({ capacity: BIG, leakTokens: 1, leakIntervalMs: 1000 }, { redis: need(redis), prefix })),
    },
    { name: 'fixed window', create: (redis, prefix) => ours(new RedisFixedWindow(window, { redis: need(redis), prefix })) },
    { name: 'sliding log (limit 100/s)', create: (redis, prefix) => ours(new RedisSlidingLog({ limit: 100, windowMs: 1000 }, { redis: need(redis), prefix })) },
    { name: 'sliding window counter', create: (redis, prefix) => ours(new RedisSlidingWindowCounter(window, { redis: need(redis), prefix })) },
    // Steady state of leasing: 10 hot keys and leases that outlive the run, so exactly one
    // Redis round trip per 100 decisions (with 1000 cold keys it would only measure renewals).
    {
      name: 'leased token bucket (lease 100, 10 hot keys)',
      create: (redis, prefix) => hotKeys(10, ours(new LeasedTokenBucket(bucket, { leaseSize: 100, leaseTtlMs: 600_000 }, { redis: need(redis), prefix }))),
    },
    {
      name: 'rate-limiter-flexible RateLimiterRedis',
      create: (redis, prefix) =>
        flexible(new RateLimiterRedis({ storeClient: need(redis), keyPrefix: `${prefix}-rlf`, points: BIG, duration: 60 })),
    },
  ],
};
