import fc from 'fast-check';
import type { Decision, RateLimiter } from '../../src';
import { FakeClock } from './fake-clock';

/** One arrival: `dt` ms after the previous one, asking for `n` units. */
export interface Step {
  readonly dt: number;
  readonly n: number;
}

/** A decision with the time and cost it was asked for. */
export interface TracedDecision {
  readonly t: number;
  readonly n: number;
  readonly decision: Decision;
}

/** Seed for every property test: fixed, overridable with FC_SEED to reproduce a failure. */
export const FC_SEED = Number(process.env['FC_SEED'] ?? 20_261_123);

/** Random arrival sequences: bursts (dt = 0), steady gaps and long idles, costs 1..maxN. */
export function stepsArbitrary(maxN: number, maxDt: number): fc.Arbitrary<Step[]> {
  const dt = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: maxDt }), fc.integer({ min: 0, max: maxDt * 20 }));
  return fc.array(fc.record({ dt, n: fc.integer({ min: 1, max: maxN }) }), { minLength: 1, maxLength: 80 });
}

/** Runs `steps` through a limiter built on a fresh fake clock starting at `start`. */
export async function runTrace(make: (clock: FakeClock) => RateLimiter, steps: readonly Step[], start: number): Promise<TracedDecision[]> {
  const clock = new FakeClock(start);
  const limiter = make(clock);
  const out: TracedDecision[] = [];
  for (const step of steps) {
    clock.advance(step.dt);
    out.push({ t: clock.nowMs, n: step.n, decision: await limiter.tryAcquire('k', step.n) });
  }
  return out;
}

/**
 * Checks that a denial's `retryAfterMs` is exact: replaying the trace up to the denial and
 * asking again, the request is still denied 1 ms before `retryAfterMs` and admitted at it.
 */
export async function expectExactRetry(
  make: (clock: FakeClock) => RateLimiter,
  steps: readonly Step[],
  start: number,
  deniedIndex: number,
  retryAfterMs: number,
): Promise<void> {
  const clock = new FakeClock(start);
  const limiter = make(clock);
  for (const step of steps.slice(0, deniedIndex)) {
    clock.advance(step.dt);
    await limiter.tryAcquire('k', step.n);
  }
  clock.advance(steps[deniedIndex].dt);
  const n = steps[deniedIndex].n;
  clock.advance(retryAfterMs - 1);
  const before = await limiter.tryAcquire('k', n);
  clock.advance(1);
  const at = await limiter.tryAcquire('k', n);
  expect({ before: before.allowed, at: at.allowed }).toEqual({ before: false, at: true });
}
