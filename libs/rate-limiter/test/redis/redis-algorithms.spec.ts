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

  describe('RedisTokenBucket', () => {
    it('strict: burst of capacity, then denies with the refill time; idle keys expire', async () => {
      const bucket = new RedisTokenBucket({ capacity: 3, refillTokens: 1, refillIntervalMs: HOUR }, options());
      expect(await bucket.tryAcquire('tb1')).toMatchObject({ allowed: true, limit: 3, remaining: 2, retryAfterMs: 0 });
      expect(await bucket.tryAcquire('tb1', 2)).toMatchObject({ allowed: true, remaining: 0 });
      const denied = await bucket.tryAcquire('tb1');
      expect(denied).toMatchObject({ allowed: false, remaining: 0 });
      expect(aboutAnHour(denied.retryAfterMs)).toBe(true);
      expect(aboutAnHour(denied.resetMs / 3)).toBe(true);
      const ttl = await redis.pttl(`${prefix}:{tb1}:tb`);
      expect(ttl).toBeGreaterThan(3 * HOUR - 5000);
      expect(ttl).toBeLessThanOrEqual(3 * HOUR);
      await bucket.reset('tb1');
      expect(await redis.exists(`${prefix}:{tb1}:tb`)).toBe(0);
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
      const bucket = new RedisTokenBucket({ capacity: 1, refillTokens: 1, refillIntervalMs: 100 }, options());
      expect((await bucket.tryAcquire('tb3')).allowed).toBe(true);
      const denied = await bucket.tryAcquire('tb3');
      expect(denied.allowed).toBe(false);
      expect(denied.retryAfterMs).toBeGreaterThan(80);
      expect(denied.retryAfterMs).toBeLessThanOrEqual(100);
      await delay(denied.retryAfterMs + 2);
      expect((await bucket.tryAcquire('tb3')).allowed).toBe(true);
      const start = Date.now();
      await bucket.acquire('tb3');
      expect(Date.now() - start).toBeGreaterThanOrEqual(80);
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
      const fast = new RedisLeakyBucketMeter({ capacity: 1, leakTokens: 1, leakIntervalMs: 60 }, options());
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
      expect(done[0]).toBeLessThan(40);
      expect(done[1]).toBeGreaterThanOrEqual(45);
      expect(done[2]).toBeGreaterThanOrEqual(95);
    });
  });

  describe('RedisFixedWindow', () => {
    it('counts per aligned window and expires with it', async () => {
      const limiter = new RedisFixedWindow({ limit: 3, windowMs: 100 }, options());
      // Start right after a window boundary so the three calls share a window.
      const time = await redis.time();
      await delay(100 - ((Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000)) % 100) + 1);
      expect(await limiter.tryAcquire('f1', 2)).toMatchObject({ allowed: true, limit: 3, remaining: 1 });
      expect(await limiter.tryAcquire('f1', 2)).toMatchObject({ allowed: false, remaining: 1 });
      expect(await limiter.tryAcquire('f1')).toMatchObject({ allowed: true, remaining: 0 });
      const denied = await limiter.tryAcquire('f1');
      expect(denied.allowed).toBe(false);
      expect(denied.retryAfterMs).toBe(denied.resetMs);
      expect(await redis.pttl(`${prefix}:{f1}:fw`)).toBeLessThanOrEqual(100);
      await delay(denied.retryAfterMs + 2);
      expect(await limiter.tryAcquire('f1', 3)).toMatchObject({ allowed: true, remaining: 0 });
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
      const limiter = new RedisSlidingLog({ limit: 2, windowMs: 120 }, options());
      await limiter.tryAcquire('s2');
      await delay(60);
      await limiter.tryAcquire('s2');
      const denied = await limiter.tryAcquire('s2');
      expect(denied.allowed).toBe(false);
      expect(denied.retryAfterMs).toBeLessThanOrEqual(60);
      await delay(denied.retryAfterMs + 2);
      expect((await limiter.tryAcquire('s2')).allowed).toBe(true);
      expect((await limiter.tryAcquire('s2')).allowed).toBe(false);
    });
  });

  describe('RedisSlidingWindowCounter', () => {
    it('admits limit per window and weighs the previous window', async () => {
      const limiter = new RedisSlidingWindowCounter({ limit: 4, windowMs: 200 }, options());
      const time = await redis.time();
      await delay(200 - ((Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000)) % 200) + 1);
      expect(await limiter.tryAcquire('w1', 4)).toMatchObject({ allowed: true, remaining: 0 });
      const denied = await limiter.tryAcquire('w1');
      expect(denied.allowed).toBe(false);
      // Next window: previous = 4 → one unit fits once 4 × (200 − e) ≤ 3 × 200, at e = 50.
      const now = await redis.time();
      const offset = (Number(now[0]) * 1000 + Math.floor(Number(now[1]) / 1000)) % 200;
      expect(Math.abs(denied.retryAfterMs - (250 - offset))).toBeLessThanOrEqual(3);
      await delay(denied.retryAfterMs + 2);
      expect(await limiter.tryAcquire('w1')).toMatchObject({ allowed: true });
      expect((await limiter.tryAcquire('w1')).allowed).toBe(false);
    });
  });
});
