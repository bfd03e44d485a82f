import { Redis } from 'ioredis';
import {
  createLimiterRedis,
  InvalidOptionsError,
  LeasedTokenBucket,
  type RateLimiter,
  RateLimiterUnavailableError,
  RedisFixedWindow,
  RedisLeakyBucketMeter,
  RedisLeakyBucketQueue,
  type RedisLimiterOptions,
  RedisSlidingLog,
  RedisSlidingWindowCounter,
  RedisTokenBucket,
  unsafeClientReason,
} from '../../src';
import { closedPort, connect, deleteKeys, uniquePrefix } from '../support/redis';

const build: Record<string, (options: RedisLimiterOptions) => RateLimiter> = {
  tokenBucket: (o) => new RedisTokenBucket({ capacity: 5, refillTokens: 1, refillIntervalMs: 1000 }, o),
  leakyMeter: (o) => new RedisLeakyBucketMeter({ capacity: 5, leakTokens: 1, leakIntervalMs: 1000 }, o),
  leakyQueue: (o) => new RedisLeakyBucketQueue({ capacity: 5, leakTokens: 1, leakIntervalMs: 1000 }, o),
  fixedWindow: (o) => new RedisFixedWindow({ limit: 5, windowMs: 1000 }, o),
  slidingLog: (o) => new RedisSlidingLog({ limit: 5, windowMs: 1000 }, o),
  slidingWindowCounter: (o) => new RedisSlidingWindowCounter({ limit: 5, windowMs: 1000 }, o),
  leased: (o) => new LeasedTokenBucket({ capacity: 5, refillTokens: 1, refillIntervalMs: 1000 }, { leaseSize: 2, leaseTtlMs: 1000 }, o),
};

describe('Redis unavailable: failure policy', () => {
  let down: Redis;

  beforeAll(async () => {
    // Nothing listens on this port: the connection is refused and, without retries, ends.
    down = createLimiterRedis({ port: await closedPort(), retryStrategy: () => null });
    down.on('error', () => undefined);
    await new Promise((resolve) => down.once('end', resolve));
  });

  for (const [name, make] of Object.entries(build)) {
    it(`${name}: fail-closed (the default) denies with a typed error; fail-open admits`, async () => {
      const closed = make({ redis: down, failClosedRetryAfterMs: 750 });
      const decision = await closed.tryAcquire('k');
      expect(decision).toMatchObject({ allowed: false, limit: 5, remaining: 0, retryAfterMs: 750 });
      expect(decision.unavailable).toBeInstanceOf(RateLimiterUnavailableError);
      expect(decision.unavailable?.code).toBe('ERR_RATE_LIMITER_UNAVAILABLE');
      await expect(closed.acquire('k')).rejects.toBeInstanceOf(RateLimiterUnavailableError);
      await expect(closed.reset('k')).rejects.toMatchObject({ code: 'ERR_RATE_LIMITER_UNAVAILABLE' });

      const open = make({ redis: down, failurePolicy: 'fail-open' });
      const admitted = await open.tryAcquire('k');
      expect(admitted).toMatchObject({ allowed: true, retryAfterMs: 0 });
      expect(admitted.unavailable).toBeInstanceOf(RateLimiterUnavailableError);
      await expect(open.acquire('k')).resolves.toBeUndefined();
    });
  }

  it('failOpen: true / false is the same knob as failurePolicy; contradictions and non-booleans are rejected', async () => {
    const config = { capacity: 5, refillTokens: 1, refillIntervalMs: 1000 };
    expect(await new RedisTokenBucket(config, { redis: down, failOpen: true }).tryAcquire('k')).toMatchObject({ allowed: true });
    expect(await new RedisTokenBucket(config, { redis: down, failOpen: false }).tryAcquire('k')).toMatchObject({ allowed: false });
    const agreeing = new RedisTokenBucket(config, { redis: down, failOpen: true, failurePolicy: 'fail-open' });
    expect(await agreeing.tryAcquire('k')).toMatchObject({ allowed: true });
    expect(() => new RedisTokenBucket(config, { redis: down, failOpen: true, failurePolicy: 'fail-closed' })).toThrow(InvalidOptionsError);
    expect(() => new RedisTokenBucket(config, { redis: down, failOpen: 'yes' as unknown as boolean })).toThrow(
      expect.objectContaining({ code: 'ERR_RATE_LIMITER_OPTIONS' }) as Error,
    );
  });

  it('a client that was connected and then disconnected: fail-closed denies, fail-open admits, nothing is queued', async () => {
    const redis = await connect();
    const prefix = uniquePrefix('disconnected');
    const config = { limit: 3, windowMs: 3_600_000 };
    const closed = new RedisFixedWindow(config, { redis, prefix });
    const open = new RedisFixedWindow(config, { redis, prefix, failOpen: true });
    try {
      expect(await closed.tryAcquire('k')).toMatchObject({ allowed: true, remaining: 2 });
      redis.disconnect();
      if (redis.status !== 'end') await new Promise((resolve) => redis.once('end', resolve));
      const denied = await closed.tryAcquire('k');
      expect(denied).toMatchObject({ allowed: false, retryAfterMs: 1000 });
      expect(denied.unavailable).toBeInstanceOf(RateLimiterUnavailableError);
      const admitted = await open.tryAcquire('k');
      expect(admitted).toMatchObject({ allowed: true, remaining: 0 });
      expect(admitted.unavailable).toBeInstanceOf(RateLimiterUnavailableError);
      await redis.connect();
      if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
      // Neither call made while disconnected reached Redis later: still only 1 counted.
      expect(await closed.tryAcquire('k')).toMatchObject({ allowed: true, remaining: 1 });
    } finally {
      await deleteKeys(redis, prefix);
      await redis.quit();
    }
  });

  it('a Redis that does not answer in time fails after commandTimeoutMs; the late script counts once', async () => {
    const redis = await connect();
    const prefix = uniquePrefix('slow');
    const limiter = new RedisTokenBucket({ capacity: 5, refillTokens: 1, refillIntervalMs: 86_400_000 }, { redis, prefix, commandTimeoutMs: 150 });
    try {
      // A blocking pop on the same connection holds everything queued behind it for 1 s
      // (only this connection waits; the shared server is not disturbed).
      const blocked = redis.blpop(`${prefix}:{none}:list`, 1);
      const started = Date.now();
      const decision = await limiter.tryAcquire('k');
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      expect(decision).toMatchObject({ allowed: false, retryAfterMs: 1000 });
      expect(decision.unavailable).toBeInstanceOf(RateLimiterUnavailableError);
      await blocked;
      // The timed-out script did run once it reached Redis: 1 unit used, not 0, not 2.
      expect(await limiter.tryAcquire('k')).toMatchObject({ allowed: true, remaining: 3 });
    } finally {
      await deleteKeys(redis, prefix);
      await redis.quit();
    }
  });

  it('does not double-count across a disconnect and reconnect', async () => {
    const redis = await connect();
    const prefix = uniquePrefix('reconnect');
    const limiter = new RedisTokenBucket({ capacity: 5, refillTokens: 1, refillIntervalMs: 86_400_000 }, { redis, prefix });
    try {
      expect(await limiter.tryAcquire('k')).toMatchObject({ allowed: true, remaining: 4 });
      // In flight while the connection drops: may or may not have run, never re-sent.
      const inFlight = limiter.tryAcquire('k');
      redis.disconnect();
      const lost = await inFlight;
      if (redis.status !== 'end') await new Promise((resolve) => redis.once('end', resolve));
      // Issued while disconnected: fails at once (no offline queue), never sent later.
      expect((await limiter.tryAcquire('k')).unavailable).toBeInstanceOf(RateLimiterUnavailableError);
      await redis.connect();
      if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const after = await limiter.tryAcquire('k');
      // The first, the in-flight one only if it was answered before the drop, and this one.
      expect(after).toMatchObject({ allowed: true, remaining: lost.unavailable === undefined ? 2 : 3 });
    } finally {
      await deleteKeys(redis, prefix);
      await redis.quit();
    }
  });

  it('rejects a client that would queue or re-send scripts, unless explicitly allowed', () => {
    const unsafe = new Redis({ lazyConnect: true });
    try {
      expect(unsafeClientReason(unsafe)).toBe('autoResendUnfulfilledCommands must be false');
      expect(unsafeClientReason(new Redis({ lazyConnect: true, autoResendUnfulfilledCommands: false }))).toBe('enableOfflineQueue must be false');
      expect(() => new RedisFixedWindow({ limit: 1, windowMs: 1 }, { redis: unsafe })).toThrow(InvalidOptionsError);
      expect(() => new RedisFixedWindow({ limit: 1, windowMs: 1 }, { redis: unsafe, allowUnsafeClient: true })).not.toThrow();
      expect(unsafeClientReason(createLimiterRedis({ lazyConnect: true }))).toBeUndefined();
      expect(() => new RedisFixedWindow({ limit: 1, windowMs: 1 }, { redis: createLimiterRedis({ lazyConnect: true }), prefix: 'a{b' })).toThrow(/prefix/);
      expect(() => new RedisFixedWindow({ limit: 1, windowMs: 1 }, { redis: createLimiterRedis({ lazyConnect: true }), failurePolicy: 'maybe' as 'fail-open' })).toThrow(
        /failurePolicy/,
      );
    } finally {
      unsafe.disconnect();
    }
  });
});
