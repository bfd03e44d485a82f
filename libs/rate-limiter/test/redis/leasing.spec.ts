import type { Redis } from 'ioredis';
import { InvalidOptionsError, LeasedTokenBucket, RedisTokenBucket } from '../../src';
import { FakeClock } from '../support/fake-clock';
import { connect, deleteKeys, uniquePrefix } from '../support/redis';

describe('LeasedTokenBucket (quota leasing)', () => {
  let redis: Redis;
  const prefix = uniquePrefix('lease');
  const config = { capacity: 20, refillTokens: 1, refillIntervalMs: 86_400_000 };
  // Reads the shared bucket with a plain Redis token bucket on the same key; the probe
  // itself takes one token, so this returns the count before the probe.
  const tokensInRedis = async (key: string) => (await new RedisTokenBucket(config, { redis, prefix }).tryAcquire(key, 1)).remaining + 1;

  beforeAll(async () => {
    redis = await connect();
  });
  afterAll(async () => {
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  it('serves a lease locally, one round trip per leaseSize requests', async () => {
    const clock = new FakeClock(0);
    const leased = new LeasedTokenBucket(config, { leaseSize: 5, leaseTtlMs: 10_000, clock: clock.now }, { redis, prefix });
    const calls: string[] = [];
    const monitor = (redis as unknown as { sendCommand: (c: { name: string }) => unknown }).sendCommand;
    (redis as unknown as { sendCommand: (c: { name: string }) => unknown }).sendCommand = function (this: Redis, command: { name: string }) {
      calls.push(command.name);
      return monitor.call(this, command);
    };
    try {
      for (let i = 0; i < 10; i += 1) expect((await leased.tryAcquire('a')).allowed).toBe(true);
    } finally {
      (redis as unknown as { sendCommand: unknown }).sendCommand = monitor;
    }
    expect(calls.filter((c) => c === 'evalsha' || c === 'eval')).toHaveLength(2);
    expect(leased.leasedTokens('a')).toBe(0);
  });

  it('returns unused tokens when the lease expires and is renewed, and on release', async () => {
    const clock = new FakeClock(0);
    const leased = new LeasedTokenBucket(config, { leaseSize: 8, leaseTtlMs: 1000, clock: clock.now }, { redis, prefix });
    await leased.tryAcquire('b'); // takes 8, uses 1
    expect(leased.leasedTokens('b')).toBe(7);
    clock.advance(1000); // expired: the 7 go back with the next renewal
    await leased.tryAcquire('b'); // gives 7 back, takes 8, uses 1
    expect(leased.leasedTokens('b')).toBe(7);
    expect(await tokensInRedis('b')).toBe(20 - 8 + 7 - 8);
    await leased.release('b');
    expect(leased.leasedTokens('b')).toBe(0);
    // 11 − 1 taken by the probe above + 7 given back.
    expect(await tokensInRedis('b')).toBe(17);
  });

  it('denies when the shared bucket cannot cover n, and leases at least n', async () => {
    const leased = new LeasedTokenBucket(config, { leaseSize: 2, leaseTtlMs: 60_000 }, { redis, prefix });
    expect(await leased.tryAcquire('c', 15)).toMatchObject({ allowed: true, remaining: 5 });
    expect(leased.leasedTokens('c')).toBe(0);
    const denied = await leased.tryAcquire('c', 6);
    expect(denied.allowed).toBe(false);
    expect(denied.remaining).toBe(5);
    expect(denied.retryAfterMs).toBeGreaterThan(86_400_000 - 5000);
    expect(() => new LeasedTokenBucket({ ...config, mode: 'borrow' }, { leaseSize: 1, leaseTtlMs: 1 }, { redis })).toThrow(InvalidOptionsError);
    expect(() => new LeasedTokenBucket(config, { leaseSize: 21, leaseTtlMs: 1 }, { redis })).toThrow(/leaseSize/);
  });

  it('concurrent callers in one process share one renewal (single flight)', async () => {
    const leased = new LeasedTokenBucket(config, { leaseSize: 10, leaseTtlMs: 60_000 }, { redis, prefix });
    const decisions = await Promise.all(Array.from({ length: 10 }, () => leased.tryAcquire('d')));
    expect(decisions.every((d) => d.allowed)).toBe(true);
    expect(await tokensInRedis('d')).toBe(10);
  });
});
