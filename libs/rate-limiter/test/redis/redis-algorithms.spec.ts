import type { Redis } from 'ioredis';
import {
  AcquireTimeoutError,
  CostExceedsCapacityError,
  QueueFullError,
  RedisFixedWindow,
  RedisLeakyBucketMeter,
  RedisLeakyBucketQueue,
  RedisSlidingLog,
  RedisSlidingWindowCounter,
  RedisTokenBucket,
  scriptCommandName,
} from '../../src';
import { connect, delay, deleteKeys, uniquePrefix } from '../support/redis';

const HOUR = 3_600_000;
// A few ms of server time pass between calls: "≈ an hour" means (HOUR − 5 s, HOUR].
const aboutAnHour = (ms: number) => ms > HOUR - 5000 && ms <= HOUR;

describe('Redis limiters: exact behaviour', () => {
  let redis: Redis;
  const prefix = uniquePrefix('algo');
  const options = () => ({ redis, prefix });

  beforeAll(async () => {
    redis = await connect();
  });
  afterAll(async () => {
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  it('registers every script on the connection with defineCommand: the named command runs the same decision on the same state', async () => {
    const window = new RedisFixedWindow({ limit: 3, windowMs: HOUR }, options());
    new RedisTokenBucket({ capacity: 1, refillTokens: 1, refillIntervalMs: HOUR }, options());
    const named = redis as unknown as Record<string, unknown>;
    expect(scriptCommandName('fixedWindow')).toBe('rateLimiterFixedWindow');
    expect(typeof named['rateLimiterFixedWindow']).toBe('function');
    expect(typeof named['rateLimiterTokenBucket']).toBe('function');
    // Through a pipeline, as an application would batch it with its own commands: takes 2 of 3.
    const pipeline = redis.pipeline() as unknown as Record<string, (...args: (string | number)[]) => unknown> & { exec(): Promise<[Error | null, unknown][] | null> };
    pipeline['rateLimiterFixedWindow']!(`${prefix}:{named}:fw3`, '3', String(HOUR), 2);
    const [[error, reply]] = (await pipeline.exec())!;
    expect(error).toBeNull();
    expect((reply as number[]).slice(0, 2)).toEqual([1, 1]);
    expect(await window.tryAcquire('named')).toMatchObject({ allowed: true, remaining: 0 });
    expect(await window.tryAcquire('named')).toMatchObject({ allowed: false, remaining: 0 });
  });

  describe('RedisTokenBucket', () => {
    it('strict: burst of capacity, then denies with the refill time; idle keys expire', async () => {
      const bucket = new RedisTokenBucket({ capacity: 3, refillTokens: 1, refillIntervalMs: HOUR }, options());
      expect(await bucket.tryAcquire('tb1')).toMatchObject({ allowed: true, limit: 3, remaining: 2, retryAfterMs: 0 });
      expect(await bucket.tryAcquire('tb1', 2)).toMatchObject({ allowed: true, remaining: 0 });
      const denied = await bucket.tryAcquire('tb1');
      expect(denied).toMatchObject({ allowed: false, remaining: 0 });
      expect(aboutAnHour(denied.retryAfterMs)).toBe(true);
      expect(aboutAnHour(denied.resetMs / 3)).toBe(true);
      const ttl = await redis.pttl(`${prefix}:{tb1}:tb2`);
      expect(ttl).toBeGreaterThan(3 * HOUR - 5000);
      expect(ttl).toBeLessThanOrEqual(3 * HOUR);
      await bucket.reset('tb1');
      expect(await redis.exists(`${prefix}:{tb1}:tb2`)).toBe(0);
      expect(await bucket.tryAcquire('tb1', 3)).toMatchObject({ allowed: true, remaining: 0 });
      await expect(bucket.tryAcquire('tb1', 4)).rejects.toBeInstanceOf(CostExceedsCapacityError);
    });

    it('borrow: admits into debt once, then the next caller waits for the debt', async () => {
      const bucket = new RedisTokenBucket({ capacity: 3, refillTokens: 1, refillIntervalMs: HOUR, mode: 'borrow' }, options());
      expect(await bucket.tryAcquire('tb2', 2)).toMatchObject({ allowed: true, remaining: 1 });
      expect(await bucket.tryAcquire('tb2', 2)).toMatchObject({ allowed: true, remaining: 0 });
      const denied = await bucket.tryAcquire('tb2');
      expect(denied.allowed).toBe(false);
      expect(aboutAnHour(denied.retryAfterMs)).toBe(true); // the 1-token debt
    });

    it('refills on the server clock: admitted again after retryAfterMs', async () => {
      // 500 ms per token: the margins below tolerate a shared machine stalling for 250 ms.
      const bucket = new RedisTokenBucket({ capacity: 1, refillTokens: 1, refillIntervalMs: 500 }, options());
      expect((await bucket.tryAcquire('tb3')).allowed).toBe(true);
      const denied = await bucket.tryAcquire('tb3');
      expect(denied.allowed).toBe(false);
      expect(denied.retryAfterMs).toBeGreaterThan(250);
      expect(denied.retryAfterMs).toBeLessThanOrEqual(500);
      await delay(denied.retryAfterMs + 2);
      expect((await bucket.tryAcquire('tb3')).allowed).toBe(true);
      const start = Date.now();
      await bucket.acquire('tb3');
      expect(Date.now() - start).toBeGreaterThanOrEqual(250);
    });
  });

  describe('RedisLeakyBucketMeter', () => {
    it('admits up to capacity, then one unit per emission interval', async () => {
      const meter = new RedisLeakyBucketMeter({ capacity: 2, leakTokens: 1, leakIntervalMs: HOUR }, options());
      expect(await meter.tryAcquire('m1')).toMatchObject({ allowed: true, limit: 2, remaining: 1 });
      expect(await meter.tryAcquire('m1')).toMatchObject({ allowed: true, remaining: 0 });
      const denied = await meter.tryAcquire('m1');
      expect(denied.allowed).toBe(false);
      expect(aboutAnHour(denied.retryAfterMs)).toBe(true);
      expect(aboutAnHour(denied.resetMs / 2)).toBe(true);
      const fast = new RedisLeakyBucketMeter({ capacity: 1, leakTokens: 1, leakIntervalMs: 500 }, options());
      expect((await fast.tryAcquire('m2')).allowed).toBe(true);
      const wait = await fast.tryAcquire('m2');
      expect(wait.allowed).toBe(false);
      await delay(wait.retryAfterMs + 2);
      expect((await fast.tryAcquire('m2')).allowed).toBe(true);
    });
  });

  describe('RedisLeakyBucketQueue', () => {
    it('tryAcquire only on an idle outlet; acquire reserves FIFO departures; bounded', async () => {
      const delays: number[] = [];
      const queue = new RedisLeakyBucketQueue(
        { capacity: 3, leakTokens: 1, leakIntervalMs: HOUR },
        { ...options(), sleep: async (ms) => void delays.push(ms) },
      );
      expect(await queue.tryAcquire('q1')).toMatchObject({ allowed: true, remaining: 2 });
      const denied = await queue.tryAcquire('q1');
      expect(denied.allowed).toBe(false);
      expect(aboutAnHour(denied.retryAfterMs)).toBe(true);
      await expect(queue.acquire('q1', 1, { timeoutMs: 1000 })).rejects.toBeInstanceOf(AcquireTimeoutError);
      await queue.acquire('q1');
      await queue.acquire('q1');
      expect(delays).toHaveLength(2);
      expect(aboutAnHour(delays[0])).toBe(true);
      expect(aboutAnHour(delays[1] - HOUR)).toBe(true);
      await expect(queue.acquire('q1')).rejects.toBeInstanceOf(QueueFullError);
    });

    it('really waits: three acquires leave about 50 ms apart', async () => {
      const queue = new RedisLeakyBucketQueue({ capacity: 3, leakTokens: 1, leakIntervalMs: 50 }, options());
      const start = Date.now();
      const done = await Promise.all([0, 1, 2].map(() => queue.acquire('q2').then(() => Date.now() - start)));
      // Departures are 0, 50 and 100 ms after the first script ran, which was after `start`:
      // lower bounds from `start` hold however late replies or timers are on a loaded
      // machine (gaps between wake-ups do not: a late first reply shrinks them). That the
      // first reservation does not wait at all is pinned exactly by the FIFO test above.
      expect(done[1]).toBeGreaterThanOrEqual(45);
      expect(done[2]).toBeGreaterThanOrEqual(95);
      expect(done[0]).toBeLessThanOrEqual(done[1]);
      expect(done[1]).toBeLessThanOrEqual(done[2]);
    });
  });

  describe('stored format (one string per key, kind suffix 2)', () => {
    it('stores the token bucket as "<level> <last>" with exact 15-digit integers and a TTL', async () => {
      // 1 token = 100,000,001 scaled units: the full level has 15 digits, which %.14g would round.
      const bucket = new RedisTokenBucket({ capacity: 5_000_000, refillTokens: 1, refillIntervalMs: 100_000_001 }, options());
      expect(await bucket.tryAcquire('fmt1')).toMatchObject({ allowed: true, remaining: 4_999_999 });
      const value = await redis.get(`${prefix}:{fmt1}:tb2`);
      expect(value).toMatch(/^\d+ \d+$/);
      expect(value?.split(' ')[0]).toBe(String(4_999_999 * 100_000_001));
      expect(await redis.pttl(`${prefix}:{fmt1}:tb2`)).toBeGreaterThan(0);
    });

    it('stores window states as strings and keeps the TTL within the window', async () => {
      const fixed = new RedisFixedWindow({ limit: 10, windowMs: HOUR }, options());
      const counter = new RedisSlidingWindowCounter({ limit: 10, windowMs: HOUR }, options());
      for (let i = 0; i < 3; i += 1) {
        await fixed.tryAcquire('fmt2');
        await counter.tryAcquire('fmt2');
      }
      expect(await redis.get(`${prefix}:{fmt2}:fw3`)).toBe('3');
      expect(await redis.get(`${prefix}:{fmt2}:swc2`)).toMatch(/^\d+ 3 \d+$/);
      const fixedTtl = await redis.pttl(`${prefix}:{fmt2}:fw3`);
      expect(fixedTtl).toBeGreaterThan(0);
      expect(fixedTtl).toBeLessThanOrEqual(HOUR);
      const counterTtl = await redis.pttl(`${prefix}:{fmt2}:swc2`);
      expect(counterTtl).toBeGreaterThan(HOUR - 5000);
      expect(counterTtl).toBeLessThanOrEqual(2 * HOUR);
    });

    it('ignores keys left in the old hash format (tb, lbm, lbq, fw, swc)', async () => {
      for (const kind of ['tb', 'lbm', 'lbq', 'fw', 'swc']) await redis.hset(`${prefix}:{old1}:${kind}`, 'l', '0', 't', '0', 'w', '0', 'c', '999');
      const limiters = [
        new RedisTokenBucket({ capacity: 2, refillTokens: 1, refillIntervalMs: HOUR }, options()),
        new RedisLeakyBucketMeter({ capacity: 2, leakTokens: 1, leakIntervalMs: HOUR }, options()),
        new RedisLeakyBucketQueue({ capacity: 2, leakTokens: 1, leakIntervalMs: HOUR }, options()),
        new RedisFixedWindow({ limit: 2, windowMs: HOUR }, options()),
        new RedisSlidingWindowCounter({ limit: 2, windowMs: HOUR }, options()),
      ];
      for (const limiter of limiters) {
        const decision = await limiter.tryAcquire('old1');
        expect(decision.unavailable).toBeUndefined();
        expect(decision).toMatchObject({ allowed: true, remaining: 1 });
      }
    });
  });

  describe('RedisFixedWindow', () => {
    it('counts per aligned window and expires with it', async () => {
      // Windows of 1 s: wide enough that a loaded machine cannot push the calls below
      // into the next window, which would change every answer.
      const limiter = new RedisFixedWindow({ limit: 3, windowMs: 1000 }, options());
      await untilWindowStart(1000);
      expect(await limiter.tryAcquire('f1', 2)).toMatchObject({ allowed: true, limit: 3, remaining: 1 });
      expect(await limiter.tryAcquire('f1', 2)).toMatchObject({ allowed: false, remaining: 1 });
      expect(await limiter.tryAcquire('f1')).toMatchObject({ allowed: true, remaining: 0 });
      const denied = await limiter.tryAcquire('f1');
      expect(denied.allowed).toBe(false);
      expect(denied.retryAfterMs).toBe(denied.resetMs);
      expect(denied.retryAfterMs).toBeLessThanOrEqual(1000);
      expect(await redis.pttl(`${prefix}:{f1}:fw3`)).toBeLessThanOrEqual(1000);
      await delay(denied.retryAfterMs + 2);
      expect(await limiter.tryAcquire('f1', 3)).toMatchObject({ allowed: true, remaining: 0 });
    });

    it('takes a refused request back, so a smaller one that fits is still admitted', async () => {
      const limiter = new RedisFixedWindow({ limit: 10, windowMs: HOUR }, options());
      expect(await limiter.tryAcquire('f2', 8)).toMatchObject({ allowed: true, remaining: 2 });
      expect(await limiter.tryAcquire('f2', 5)).toMatchObject({ allowed: false, remaining: 2 });
      expect(await redis.get(`${prefix}:{f2}:fw3`)).toBe('8');
      expect(await limiter.tryAcquire('f2', 2)).toMatchObject({ allowed: true, remaining: 0 });
      expect(await redis.get(`${prefix}:{f2}:fw3`)).toBe('10');
    });

    it('gives a key that lost its TTL the end of the current window again', async () => {
      const limiter = new RedisFixedWindow({ limit: 10, windowMs: HOUR }, options());
      await limiter.tryAcquire('f3');
      await redis.persist(`${prefix}:{f3}:fw3`);
      const decision = await limiter.tryAcquire('f3');
      expect(decision).toMatchObject({ allowed: true, remaining: 8 });
      const ttl = await redis.pttl(`${prefix}:{f3}:fw3`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(HOUR);
      expect(decision.resetMs).toBeGreaterThanOrEqual(ttl);
    });

    it('ignores a key left in the previous string format (fw2)', async () => {
      await redis.set(`${prefix}:{f4}:fw2`, `${Math.floor(Date.now() / HOUR)} 999`, 'PX', HOUR);
      const limiter = new RedisFixedWindow({ limit: 2, windowMs: HOUR }, options());
      expect(await limiter.tryAcquire('f4')).toMatchObject({ allowed: true, remaining: 1 });
    });
  });

  describe('RedisSlidingLog', () => {
    it('keeps both keys under one hash tag and admits exactly limit per window', async () => {
      const limiter = new RedisSlidingLog({ limit: 3, windowMs: HOUR }, options());
      expect(limiter.keysFor('s1')).toEqual([`${prefix}:{s1}:log`, `${prefix}:{s1}:seq`]);
      expect(await limiter.tryAcquire('s1')).toMatchObject({ allowed: true, remaining: 2 });
      expect(await limiter.tryAcquire('s1', 2)).toMatchObject({ allowed: true, remaining: 0 });
      expect(await redis.zcard(`${prefix}:{s1}:log`)).toBe(3);
      const denied = await limiter.tryAcquire('s1');
      expect(denied.allowed).toBe(false);
      expect(aboutAnHour(denied.retryAfterMs)).toBe(true);
      expect(await redis.pttl(`${prefix}:{s1}:seq`)).toBeGreaterThan(HOUR);
      await limiter.reset('s1');
      expect(await redis.exists(`${prefix}:{s1}:log`, `${prefix}:{s1}:seq`)).toBe(0);
    });

    it('slides: the oldest entry leaving the window makes room', async () => {
      const limiter = new RedisSlidingLog({ limit: 2, windowMs: 3000 }, options());
      await limiter.tryAcquire('s2');
      await delay(1000);
      await limiter.tryAcquire('s2');
      // A pause before the denied call: a reset measured from "now" instead of from the
      // newest entry (a bug this test once caught) would then be off by about 200 ms.
      await delay(200);
      const denied = await limiter.tryAcquire('s2');
      expect(denied.allowed).toBe(false);
      // Exact, whatever the scheduling: room comes when the oldest entry leaves, the reset
      // when the newest does, both from the same server "now" in whole milliseconds, so the
      // two differ by exactly the entries' distance.
      const [, oldest, , newest] = (await redis.zrange(`${prefix}:{s2}:log`, 0, -1, 'WITHSCORES')).map(Number);
      expect(newest - oldest).toBeGreaterThanOrEqual(1000);
      expect(denied.resetMs - denied.retryAfterMs).toBe(newest - oldest);
      expect(denied.retryAfterMs).toBeLessThanOrEqual(1800);
      await delay(denied.retryAfterMs + 2);
      expect((await limiter.tryAcquire('s2')).allowed).toBe(true);
      // The second entry still has about a second to go.
      expect((await limiter.tryAcquire('s2')).allowed).toBe(false);
    });
  });

  describe('RedisSlidingWindowCounter', () => {
    it('admits limit per window and weighs the previous window', async () => {
      const limiter = new RedisSlidingWindowCounter({ limit: 4, windowMs: 1000 }, options());
      await untilWindowStart(1000);
      expect(await limiter.tryAcquire('w1', 4)).toMatchObject({ allowed: true, remaining: 0 });
      const denied = await limiter.tryAcquire('w1');
      expect(denied.allowed).toBe(false);
      // In the next window previous = 4, so one unit fits once 4 × (1000 − e) ≤ 3 × 1000,
      // at e = 250; the key resets when the next window ends. Both are measured from the
      // same "now", so their difference is exact: (start + 2000) − (start + 1250).
      expect(denied.resetMs - denied.retryAfterMs).toBe(750);
      expect(denied.retryAfterMs).toBeGreaterThan(250);
      expect(denied.retryAfterMs).toBeLessThanOrEqual(1250);
      await delay(denied.retryAfterMs + 2);
      expect(await limiter.tryAcquire('w1')).toMatchObject({ allowed: true });
      // 4 × (1000 − e) + 1000 + 1000 > 4000 until e = 500.
      expect((await limiter.tryAcquire('w1')).allowed).toBe(false);
    });
  });

  /** Sleeps until just after the next multiple of `windowMs` on the Redis server's clock. */
  async function untilWindowStart(windowMs: number): Promise<void> {
    const [seconds, micros] = await redis.time();
    const nowMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    await delay(windowMs - (nowMs % windowMs) + 1);
  }
});
