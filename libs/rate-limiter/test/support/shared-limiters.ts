import type { Redis } from 'ioredis';
import {
  LeasedTokenBucket,
  type RateLimiter,
  RedisFixedWindow,
  RedisLeakyBucketMeter,
  RedisLeakyBucketQueue,
  RedisSlidingLog,
  RedisSlidingWindowCounter,
  RedisTokenBucket,
} from '../../src';

/** Every limit used by the concurrency tests: 50 units, with (practically) no refill. */
export const SHARED_LIMIT = 50;
const DAY = 86_400_000;
// Window limiters need a window no test run straddles: a window aligned to the epoch,
// 2^40 ms (~35 years) long.
const HUGE_WINDOW = 2 ** 40;

/** What each algorithm may admit in total on one key during a concurrency test. */
export const EXPECTED_ADMITTED: Record<string, number> = {
  tokenBucket: SHARED_LIMIT,
  // Borrowing: at 0 tokens the bucket is not yet in debt, so one more n = 1 request is
  // admitted on credit — capacity + n_last, exactly the documented bound.
  tokenBucketBorrow: SHARED_LIMIT + 1,
  leakyMeter: SHARED_LIMIT,
  leakyQueue: 1, // tryAcquire never queues: one departure, then the outlet is busy for a day
  fixedWindow: SHARED_LIMIT,
  slidingLog: SHARED_LIMIT,
  slidingWindowCounter: SHARED_LIMIT,
  leased: SHARED_LIMIT,
};

/** One limiter per algorithm on `redis`, all with the same configuration in every process. */
export function sharedLimiters(redis: Redis, prefix: string): Record<string, RateLimiter> {
  const options = { redis, prefix };
  const bucket = { capacity: SHARED_LIMIT, refillTokens: 1, refillIntervalMs: DAY };
  return {
    tokenBucket: new RedisTokenBucket(bucket, options),
    tokenBucketBorrow: new RedisTokenBucket({ ...bucket, mode: 'borrow' }, { ...options, prefix: `${prefix}-borrow` }),
    leakyMeter: new RedisLeakyBucketMeter({ capacity: SHARED_LIMIT, leakTokens: 1, leakIntervalMs: DAY }, options),
    leakyQueue: new RedisLeakyBucketQueue({ capacity: SHARED_LIMIT, leakTokens: 1, leakIntervalMs: DAY }, options),
    fixedWindow: new RedisFixedWindow({ limit: SHARED_LIMIT, windowMs: HUGE_WINDOW }, options),
    slidingLog: new RedisSlidingLog({ limit: SHARED_LIMIT, windowMs: DAY }, options),
    slidingWindowCounter: new RedisSlidingWindowCounter({ limit: SHARED_LIMIT, windowMs: HUGE_WINDOW }, options),
    leased: new LeasedTokenBucket(bucket, { leaseSize: 7, leaseTtlMs: 60_000 }, { ...options, prefix: `${prefix}-lease` }),
  };
}

/** Calls `tryAcquire(key)` `attempts` times with `concurrency` calls in flight; returns the admitted count. */
export async function hammer(limiter: RateLimiter, key: string, attempts: number, concurrency: number): Promise<number> {
  let admitted = 0;
  let started = 0;
  const worker = async (): Promise<void> => {
    while (started < attempts) {
      started += 1;
      if ((await limiter.tryAcquire(key)).allowed) admitted += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return admitted;
}
