import { AcquireTimeoutError, LeakyBucketMeter, LeakyBucketQueue, QueueFullError } from '../../src';
import { FakeClock } from '../support/fake-clock';

describe('LeakyBucketMeter (GCRA)', () => {
  it('admits a burst of capacity, then exactly one unit per emission interval', async () => {
    const clock = new FakeClock(1_000);
    // 10 units per second = one per 100 ms, burst of 3.
    const meter = new LeakyBucketMeter({ capacity: 3, leakTokens: 10, leakIntervalMs: 1000 }, { clock: clock.now });
    expect(await meter.tryAcquire('k')).toEqual({ allowed: true, limit: 3, remaining: 2, retryAfterMs: 0, resetMs: 100 });
    expect(await meter.tryAcquire('k', 2)).toEqual({ allowed: true, limit: 3, remaining: 0, retryAfterMs: 0, resetMs: 300 });
    expect(await meter.tryAcquire('k')).toEqual({ allowed: false, limit: 3, remaining: 0, retryAfterMs: 100, resetMs: 300 });
    clock.advance(99);
    expect(await meter.tryAcquire('k')).toMatchObject({ allowed: false, retryAfterMs: 1 });
    clock.advance(1);
    expect(await meter.tryAcquire('k')).toMatchObject({ allowed: true, remaining: 0 });
    clock.advance(250);
    expect(await meter.tryAcquire('k', 3)).toMatchObject({ allowed: false, remaining: 2, retryAfterMs: 50 });
    expect(await meter.tryAcquire('k', 2)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('handles rates that are not a whole number of ms per unit (3 per 10 ms)', async () => {
    const clock = new FakeClock();
    const meter = new LeakyBucketMeter({ capacity: 1, leakTokens: 3, leakIntervalMs: 10 }, { clock: clock.now });
    const admittedAt: number[] = [];
    for (let t = 0; t <= 30; t += 1) {
      clock.set(t);
      if ((await meter.tryAcquire('k')).allowed) admittedAt.push(t);
    }
    // Emission interval T = 3⅓ ms. GCRA: TAT = max(TAT, arrival) + T, conforming iff
    // arrival ≥ TAT − τ (τ = 0 here). Arrivals on whole ms: 0 (TAT 3⅓), 4 (TAT 7⅓), 8, ...
    // — never early, and the fraction lost while the bucket sat empty is not credited.
    expect(admittedAt).toEqual([0, 4, 8, 12, 16, 20, 24, 28]);
  });
});

describe('LeakyBucketQueue', () => {
  const make = (clock: FakeClock, capacity = 3) =>
    new LeakyBucketQueue({ capacity, leakTokens: 10, leakIntervalMs: 1000 }, { clock: clock.now, sleep: clock.sleep });

  it('tryAcquire never queues: only an idle outlet admits, with no bursts', async () => {
    const clock = new FakeClock();
    const queue = make(clock);
    expect(await queue.tryAcquire('k')).toEqual({ allowed: true, limit: 3, remaining: 2, retryAfterMs: 0, resetMs: 100 });
    expect(await queue.tryAcquire('k')).toEqual({ allowed: false, limit: 3, remaining: 2, retryAfterMs: 100, resetMs: 100 });
    clock.advance(100);
    expect((await queue.tryAcquire('k', 2)).allowed).toBe(true);
    clock.advance(100);
    expect(await queue.tryAcquire('k')).toMatchObject({ allowed: false, retryAfterMs: 100 });
  });

  it('acquire reserves departures first come first served (0, 100, 200 ms) and rejects when full', async () => {
    const clock = new FakeClock();
    const delays: number[] = [];
    const queue = new LeakyBucketQueue(
      { capacity: 3, leakTokens: 10, leakIntervalMs: 1000 },
      {
        clock: clock.now,
        sleep: async (ms) => {
          delays.push(ms);
        },
      },
    );
    await queue.acquire('k');
    await queue.acquire('k');
    await queue.acquire('k');
    expect(delays).toEqual([100, 200]);
    const full = await queue.acquire('k').catch((e: unknown) => e);
    expect(full).toBeInstanceOf(QueueFullError);
    expect(full).toMatchObject({ code: 'ERR_RATE_LIMITER_QUEUE_FULL', retryAfterMs: 100 });
    clock.advance(100);
    const late = await queue.acquire('k', 1, { timeoutMs: 199 }).catch((e: unknown) => e);
    expect(late).toBeInstanceOf(AcquireTimeoutError);
    expect(late).toMatchObject({ retryAfterMs: 200 });
    await queue.acquire('k', 1, { timeoutMs: 200 });
    expect(delays).toEqual([100, 200, 200]);
  });
});
