import { FixedWindow, SlidingLog, SlidingWindowCounter } from '../../src';
import { FakeClock } from '../support/fake-clock';

describe('FixedWindow', () => {
  it('counts per aligned window and resets at the boundary', async () => {
    const clock = new FakeClock(10_250);
    const limiter = new FixedWindow({ limit: 3, windowMs: 1000 }, { clock: clock.now });
    expect(await limiter.tryAcquire('k', 2)).toEqual({ allowed: true, limit: 3, remaining: 1, retryAfterMs: 0, resetMs: 750 });
    expect(await limiter.tryAcquire('k', 2)).toEqual({ allowed: false, limit: 3, remaining: 1, retryAfterMs: 750, resetMs: 750 });
    expect(await limiter.tryAcquire('k')).toMatchObject({ allowed: true, remaining: 0 });
    clock.set(10_999);
    expect(await limiter.tryAcquire('k')).toMatchObject({ allowed: false, retryAfterMs: 1 });
    clock.set(11_000);
    expect(await limiter.tryAcquire('k', 3)).toMatchObject({ allowed: true, remaining: 0, resetMs: 1000 });
  });
});

describe('SlidingLog', () => {
  it('admits at most limit units in any window (now − windowMs, now] and reports the exact retry time', async () => {
    const clock = new FakeClock(0);
    const limiter = new SlidingLog({ limit: 3, windowMs: 1000 }, { clock: clock.now });
    clock.set(100);
    await limiter.tryAcquire('k');
    clock.set(300);
    await limiter.tryAcquire('k', 2);
    clock.set(500);
    expect(await limiter.tryAcquire('k')).toEqual({ allowed: false, limit: 3, remaining: 0, retryAfterMs: 600, resetMs: 800 });
    // Two units need both the 100 ms and the 300 ms entries gone.
    expect(await limiter.tryAcquire('k', 2)).toMatchObject({ allowed: false, retryAfterMs: 800 });
    clock.set(1099);
    expect((await limiter.tryAcquire('k')).allowed).toBe(false);
    clock.set(1100);
    expect(await limiter.tryAcquire('k')).toMatchObject({ allowed: true, remaining: 0, resetMs: 1000 });
  });
});

describe('SlidingWindowCounter', () => {
  it('weights the previous window by the share of it the sliding window still covers', async () => {
    // The textbook example: 10 per minute, 6 in the previous minute, 20 s into this one:
    // allowed so far = 10 − 6 × (1 − 20/60) = 6 → 4 more now.
    const clock = new FakeClock(59_000);
    const limiter = new SlidingWindowCounter({ limit: 10, windowMs: 60_000 }, { clock: clock.now });
    expect(await limiter.tryAcquire('k', 6)).toMatchObject({ allowed: true, remaining: 4 });
    clock.set(80_000);
    expect(await limiter.tryAcquire('k', 7)).toMatchObject({ allowed: false, remaining: 6, retryAfterMs: 10_000 });
    expect(await limiter.tryAcquire('k', 6)).toEqual({ allowed: true, limit: 10, remaining: 0, retryAfterMs: 0, resetMs: 100_000 });
    // Now previous = 6, current = 6: room for one more when 6 × (60 − e)/60 ≤ 3 → e = 30 s.
    expect(await limiter.tryAcquire('k')).toMatchObject({ allowed: false, retryAfterMs: 10_000 });
    clock.set(89_999);
    expect((await limiter.tryAcquire('k')).allowed).toBe(false);
    clock.set(90_000);
    expect((await limiter.tryAcquire('k')).allowed).toBe(true);
  });

  it('looks into the next window when this one cannot make room', async () => {
    const clock = new FakeClock(0);
    const limiter = new SlidingWindowCounter({ limit: 10, windowMs: 1000 }, { clock: clock.now });
    await limiter.tryAcquire('k', 10);
    // Next window: previous = 10; 4 units fit when 10 × (1000 − e) ≤ 6 × 1000 → e = 400.
    expect(await limiter.tryAcquire('k', 4)).toMatchObject({ allowed: false, retryAfterMs: 1400 });
    // 10 units fit only once the full window has left: two windows from now.
    expect(await limiter.tryAcquire('k', 10)).toMatchObject({ allowed: false, retryAfterMs: 2000 });
  });
});

describe('fixed window vs sliding log at a window boundary', () => {
  it('the fixed window admits 2 × limit within one window length across the boundary; the sliding log does not', async () => {
    const clock = new FakeClock();
    const fixed = new FixedWindow({ limit: 100, windowMs: 1000 }, { clock: clock.now });
    const log = new SlidingLog({ limit: 100, windowMs: 1000 }, { clock: clock.now });
    const counts = { fixed: 0, log: 0 };
    // 100 requests at 999 ms and 100 more at 1000 ms: 200 within 2 ms.
    for (const t of [999, 1000]) {
      clock.set(t);
      for (let i = 0; i < 100; i += 1) {
        if ((await fixed.tryAcquire('k')).allowed) counts.fixed += 1;
        if ((await log.tryAcquire('k')).allowed) counts.log += 1;
      }
    }
    expect(counts).toEqual({ fixed: 200, log: 100 });
    clock.set(1999);
    expect((await log.tryAcquire('k')).allowed).toBe(true);
  });
});
