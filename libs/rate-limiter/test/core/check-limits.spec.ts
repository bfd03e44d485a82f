import {
  checkLimits,
  createLimiterRedis,
  FixedWindow,
  InvalidCostError,
  InvalidOptionsError,
  type LimitCheck,
  RateLimiterUnavailableError,
  RedisTokenBucket,
  TokenBucket,
} from '../../src';
import { FakeClock } from '../support/fake-clock';
import { closedPort } from '../support/redis';

describe('checkLimits (plain helper for non-HTTP callers)', () => {
  let clock: FakeClock;
  let perUser: TokenBucket;
  let perConversation: FixedWindow;

  beforeEach(() => {
    clock = new FakeClock(10_000);
    perUser = new TokenBucket({ capacity: 3, refillTokens: 1, refillIntervalMs: 1000 }, { clock: clock.now });
    perConversation = new FixedWindow({ limit: 2, windowMs: 60_000 }, { clock: clock.now });
  });

  const checks = (user: string, conversation: string, n = 1): LimitCheck[] => [
    { limiter: perUser, key: user, n },
    { limiter: perConversation, key: conversation, n },
  ];

  it('returns null while every limit admits, charging each of them', async () => {
    expect(await checkLimits(checks('ann', 'c1'))).toBeNull();
    expect(await perUser.tryAcquire('ann')).toMatchObject({ allowed: true, remaining: 1 });
    expect(await perConversation.tryAcquire('c1')).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('returns the first denial and does not charge the limits after it', async () => {
    await perUser.tryAcquire('ann', 3);
    const denied = await checkLimits(checks('ann', 'c1'));
    expect(denied).toEqual({ allowed: false, limit: 3, remaining: 0, retryAfterMs: 1000, resetMs: 3000 });
    // The conversation limit was never asked: both of its units are still there.
    expect(await perConversation.tryAcquire('c1', 2)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('a later denial keeps the units the earlier limits already took (strict side)', async () => {
    await perConversation.tryAcquire('c2', 2);
    const denied = await checkLimits(checks('bob', 'c2'));
    expect(denied).toMatchObject({ allowed: false, limit: 2, remaining: 0, retryAfterMs: 50_000 });
    expect(await perUser.tryAcquire('bob', 3)).toMatchObject({ allowed: false, remaining: 2 });
  });

  it('n defaults to 1 and is passed through; an empty list admits', async () => {
    expect(await checkLimits([{ limiter: perUser, key: 'cat' }])).toBeNull();
    expect(await checkLimits([{ limiter: perUser, key: 'cat', n: 2 }])).toBeNull();
    expect(await checkLimits([{ limiter: perUser, key: 'cat' }])).toMatchObject({ allowed: false, retryAfterMs: 1000 });
    expect(await checkLimits([])).toBeNull();
  });

  it('propagates typed input errors', async () => {
    await expect(checkLimits([{ limiter: perUser, key: 'x', n: 0 }])).rejects.toBeInstanceOf(InvalidCostError);
    await expect(checkLimits({} as unknown as LimitCheck[])).rejects.toBeInstanceOf(InvalidOptionsError);
  });

  it('with the store down: fail-closed is a denial marked unavailable; fail-open passes on to the next limit', async () => {
    const down = createLimiterRedis({ port: await closedPort(), retryStrategy: () => null });
    down.on('error', () => undefined);
    await new Promise((resolve) => down.once('end', resolve));
    const config = { capacity: 5, refillTokens: 1, refillIntervalMs: 1000 };
    const closed = new RedisTokenBucket(config, { redis: down, failClosedRetryAfterMs: 2500 });
    const open = new RedisTokenBucket(config, { redis: down, failOpen: true });

    const denied = await checkLimits([{ limiter: closed, key: 'k' }]);
    expect(denied).toMatchObject({ allowed: false, retryAfterMs: 2500 });
    expect(denied?.unavailable).toBeInstanceOf(RateLimiterUnavailableError);

    expect(await checkLimits([{ limiter: open, key: 'k' }])).toBeNull();
    await perConversation.tryAcquire('c3', 2);
    expect(await checkLimits([{ limiter: open, key: 'k' }, { limiter: perConversation, key: 'c3' }])).toMatchObject({
      allowed: false,
      limit: 2,
    });
  });
});
