import { AcquireTimeoutError, CostExceedsCapacityError, InvalidCostError, InvalidKeyError, InvalidOptionsError, TokenBucket } from '../../src';
import { FakeClock } from '../support/fake-clock';

describe('TokenBucket (strict)', () => {
  // Guava's RateLimiter.create(5): 5 tokens per second, bucket of 5.
  const make = (clock: FakeClock) =>
    new TokenBucket({ capacity: 5, refillTokens: 5, refillIntervalMs: 1000 }, { clock: clock.now, sleep: clock.sleep });

  it('admits a full bucket as a burst, then one token every 200 ms', async () => {
    const clock = new FakeClock(10_000);
    const bucket = make(clock);
    for (let i = 4; i >= 0; i -= 1) {
      expect(await bucket.tryAcquire('k')).toEqual({ allowed: true, limit: 5, remaining: i, retryAfterMs: 0, resetMs: 200 * (5 - i) });
    }
    expect(await bucket.tryAcquire('k')).toEqual({ allowed: false, limit: 5, remaining: 0, retryAfterMs: 200, resetMs: 1000 });
    clock.advance(199);
    expect((await bucket.tryAcquire('k')).retryAfterMs).toBe(1);
    clock.advance(1);
    expect((await bucket.tryAcquire('k')).allowed).toBe(true);
    expect((await bucket.tryAcquire('k')).allowed).toBe(false);
  });

  it('refills pro rata and never above capacity', async () => {
    const clock = new FakeClock();
    const bucket = make(clock);
    await bucket.tryAcquire('k', 5);
    clock.advance(600);
    expect(await bucket.tryAcquire('k', 4)).toMatchObject({ allowed: false, remaining: 3, retryAfterMs: 200 });
    clock.advance(1_000_000);
    expect(await bucket.tryAcquire('k', 5)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('keeps keys independent and reset forgets a key', async () => {
    const clock = new FakeClock();
    const bucket = make(clock);
    await bucket.tryAcquire('a', 5);
    expect((await bucket.tryAcquire('b', 5)).allowed).toBe(true);
    expect((await bucket.tryAcquire('a')).allowed).toBe(false);
    await bucket.reset('a');
    expect((await bucket.tryAcquire('a', 5)).allowed).toBe(true);
  });

  it('a strict request for more tokens than held waits for all of them', async () => {
    const clock = new FakeClock();
    const bucket = make(clock);
    await bucket.tryAcquire('k', 4);
    expect(await bucket.tryAcquire('k', 3)).toMatchObject({ allowed: false, remaining: 1, retryAfterMs: 400 });
  });

  it('acquire sleeps exactly until admitted, and times out without sleeping when the wait is too long', async () => {
    const clock = new FakeClock();
    const bucket = make(clock);
    await bucket.tryAcquire('k', 5);
    await bucket.acquire('k', 2);
    expect(clock.nowMs).toBe(400);
    const error = await bucket.acquire('k', 1, { timeoutMs: 199 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AcquireTimeoutError);
    expect(error).toMatchObject({ code: 'ERR_RATE_LIMITER_TIMEOUT', timeoutMs: 199, retryAfterMs: 200 });
    expect(clock.nowMs).toBe(400);
    await bucket.acquire('k', 1, { timeoutMs: 200 });
    expect(clock.nowMs).toBe(600);
  });

  it('does not refill backwards when the clock steps back', async () => {
    const clock = new FakeClock(5000);
    const bucket = make(clock);
    await bucket.tryAcquire('k', 5);
    clock.set(1000);
    expect(await bucket.tryAcquire('k')).toMatchObject({ allowed: false, retryAfterMs: 200 });
  });

  it('evicts idle keys (a full bucket is the same as no bucket)', async () => {
    const clock = new FakeClock();
    const bucket = make(clock);
    for (let i = 0; i < 1500; i += 1) await bucket.tryAcquire(`k${i}`);
    expect(bucket.size).toBe(1500);
    clock.advance(200);
    for (let i = 0; i < 1500; i += 1) await bucket.tryAcquire('other');
    expect(bucket.size).toBe(1);
  });

  it('rejects bad input with typed errors', async () => {
    const bucket = make(new FakeClock());
    await expect(bucket.tryAcquire('k', 0)).rejects.toBeInstanceOf(InvalidCostError);
    await expect(bucket.tryAcquire('k', -1)).rejects.toMatchObject({ code: 'ERR_RATE_LIMITER_COST' });
    await expect(bucket.tryAcquire('k', 1.5)).rejects.toBeInstanceOf(InvalidCostError);
    await expect(bucket.tryAcquire('k', 6)).rejects.toBeInstanceOf(CostExceedsCapacityError);
    await expect(bucket.tryAcquire('k', 6)).rejects.toMatchObject({ code: 'ERR_RATE_LIMITER_COST_EXCEEDS_CAPACITY', cost: 6, capacity: 5 });
    await expect(bucket.tryAcquire('')).rejects.toBeInstanceOf(InvalidKeyError);
    await expect(bucket.acquire('k', 6)).rejects.toBeInstanceOf(CostExceedsCapacityError);
    await expect(bucket.acquire('k', 1, { timeoutMs: -1 })).rejects.toBeInstanceOf(InvalidOptionsError);
    expect(() => new TokenBucket({ capacity: 0, refillTokens: 1, refillIntervalMs: 1 })).toThrow(InvalidOptionsError);
    expect(() => new TokenBucket({ capacity: 1, refillTokens: 1.5, refillIntervalMs: 1 })).toThrow(/refillTokens/);
    expect(() => new TokenBucket({ capacity: 1, refillTokens: 1, refillIntervalMs: 0 })).toThrow(/refillIntervalMs/);
    expect(() => new TokenBucket({ capacity: 1, refillTokens: 1, refillIntervalMs: 1, mode: 'lazy' as 'strict' })).toThrow(/mode/);
    expect(() => new TokenBucket({ capacity: 2 ** 40, refillTokens: 1, refillIntervalMs: 2 ** 20 })).toThrow(/exact arithmetic/);
    try {
      new TokenBucket({ capacity: -3, refillTokens: 1, refillIntervalMs: 1 });
    } catch (error: unknown) {
      expect(error).toMatchObject({ code: 'ERR_RATE_LIMITER_OPTIONS', name: 'InvalidOptionsError' });
    }
  });
});

describe('TokenBucket (borrow, Guava semantics)', () => {
  const make = (clock: FakeClock) =>
    new TokenBucket({ capacity: 5, refillTokens: 5, refillIntervalMs: 1000, mode: 'borrow' }, { clock: clock.now, sleep: clock.sleep });

  it('admits a request larger than the tokens held and makes the next caller wait for the debt', async () => {
    const clock = new FakeClock();
    const bucket = make(clock);
    expect(await bucket.tryAcquire('k', 3)).toMatchObject({ allowed: true, remaining: 2 });
    // Only 2 tokens left, but not in debt: the 3 are granted and 1 is borrowed.
    expect(await bucket.tryAcquire('k', 3)).toEqual({ allowed: true, limit: 5, remaining: 0, retryAfterMs: 0, resetMs: 1200 });
    // The next caller, however small, waits until the debt (1 token = 200 ms) is repaid.
    expect(await bucket.tryAcquire('k', 1)).toMatchObject({ allowed: false, remaining: 0, retryAfterMs: 200 });
    clock.advance(200);
    // Debt repaid, 0 tokens held: a full-capacity request is admitted and borrows 5.
    expect(await bucket.tryAcquire('k', 5)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await bucket.tryAcquire('k', 1)).toMatchObject({ allowed: false, retryAfterMs: 1000 });
  });

  it('differs from strict mode exactly where strict would make this caller wait', async () => {
    const clock = new FakeClock();
    const strict = new TokenBucket({ capacity: 5, refillTokens: 5, refillIntervalMs: 1000 }, { clock: clock.now });
    await strict.tryAcquire('k', 3);
    expect(await strict.tryAcquire('k', 3)).toMatchObject({ allowed: false, retryAfterMs: 200 });
  });

  it('acquire pays the previous debt, like Guava acquire() returning the wait', async () => {
    const clock = new FakeClock();
    const bucket = make(clock);
    await bucket.acquire('k', 5);
    await bucket.acquire('k', 5); // not in debt yet: borrows 5
    expect(clock.nowMs).toBe(0);
    await bucket.acquire('k', 1); // waits for the 5-token debt: 1 s
    expect(clock.nowMs).toBe(1000);
  });
});
