import fc from 'fast-check';
import { FixedWindow, LeakyBucketMeter, LeakyBucketQueue, type RateLimiter, SlidingLog, SlidingWindowCounter, TokenBucket } from '../../src';
import type { FakeClock } from '../support/fake-clock';
import { expectExactRetry, FC_SEED, runTrace, type Step, stepsArbitrary, type TracedDecision } from '../support/trace';

/**
 * Each algorithm is checked against an independent oracle computed from the trace alone:
 * (1) every decision is exactly what the algorithm's definition says (admitted iff allowed),
 * (2) the headline guarantee holds over every window the definition speaks of, and
 * (3) every denial's retryAfterMs is exact.
 */
const RUNS = { seed: FC_SEED, numRuns: 150 };

type Admission = { t: number; n: number };
const admitted = (trace: TracedDecision[]): Admission[] => trace.filter((d) => d.decision.allowed).map(({ t, n }) => ({ t, n }));
const sum = (xs: Admission[]): number => xs.reduce((acc, x) => acc + x.n, 0);

/** Units in the bucket (scaled by `unit`) before decision k: min over s of cap + R(t − s) − A[s, t). */
function tokenLevel(trace: TracedDecision[], k: number, cap: number, rate: number, unit: number): number {
  const t = trace[k].t;
  let level = cap * unit;
  for (let i = 0; i < k; i += 1) {
    if (!trace[i].decision.allowed) continue;
    const since = admitted(trace.slice(i, k));
    level = Math.min(level, cap * unit + rate * (t - trace[i].t) - sum(since) * unit);
  }
  return level;
}

/** Water (scaled) before decision k: max over s of A[s, t) − L(t − s), at least 0. */
function waterLevel(trace: TracedDecision[], k: number, leak: number, unit: number): number {
  const t = trace[k].t;
  let water = 0;
  for (let i = 0; i < k; i += 1) {
    if (!trace[i].decision.allowed) continue;
    water = Math.max(water, sum(admitted(trace.slice(i, k))) * unit - leak * (t - trace[i].t));
  }
  return water;
}

/** For all admissions i ≤ j (i < j when `exclusiveEnd`): Σ n × unit ≤ burst + rate × (t_j − t_i). */
function expectPairBound(adm: Admission[], unit: number, burst: number, rate: number, exclusiveEnd: boolean): void {
  for (let i = 0; i < adm.length; i += 1) {
    let units = 0;
    for (let j = i; j < adm.length; j += 1) {
      if (exclusiveEnd && j === i) continue;
      units += exclusiveEnd ? adm[j - 1].n : adm[j].n;
      if (units * unit > burst + rate * (adm[j].t - adm[i].t)) {
        throw new Error(`window [${adm[i].t}, ${adm[j].t}] admitted ${units} units: more than the definition allows`);
      }
    }
  }
}

async function checkRetries(make: (c: FakeClock) => RateLimiter, steps: Step[], start: number, trace: TracedDecision[]): Promise<void> {
  const denied = trace.map((d, i) => ({ i, d })).filter(({ d }) => !d.decision.allowed);
  if (denied.length === 0) return;
  for (const { i, d } of [denied[0], denied[Math.floor(denied.length / 2)], denied[denied.length - 1]]) {
    await expectExactRetry(make, steps, start, i, d.decision.retryAfterMs);
  }
}

const start = fc.integer({ min: 0, max: 10_000_000 });

describe('property: token bucket', () => {
  const params = fc.record({ cap: fc.integer({ min: 1, max: 8 }), rate: fc.integer({ min: 1, max: 5 }), unit: fc.integer({ min: 1, max: 60 }) });

  for (const mode of ['strict', 'borrow'] as const) {
    it(`${mode}: decides by definition, bounds every window, retries exactly`, async () => {
      await fc.assert(
        fc.asyncProperty(params, start, stepsArbitrary(8, 40), async ({ cap, rate, unit }, t0, raw) => {
          const steps = raw.map((s) => ({ ...s, n: Math.min(s.n, cap) }));
          const make = (c: FakeClock) => new TokenBucket({ capacity: cap, refillTokens: rate, refillIntervalMs: unit, mode }, { clock: c.now });
          const trace = await runTrace(make, steps, t0);
          trace.forEach((d, k) => {
            const level = tokenLevel(trace, k, cap, rate, unit);
            expect(d.decision.allowed).toBe(mode === 'strict' ? level >= d.n * unit : level >= 0);
          });
          expectPairBound(admitted(trace), unit, cap * unit, rate, mode === 'borrow');
          await checkRetries(make, steps, t0, trace);
        }),
        RUNS,
      );
    });
  }
});

describe('property: leaky bucket', () => {
  const params = fc.record({ cap: fc.integer({ min: 1, max: 8 }), leak: fc.integer({ min: 1, max: 5 }), unit: fc.integer({ min: 1, max: 60 }) });

  it('meter: decides by definition, bounds every window, retries exactly', async () => {
    await fc.assert(
      fc.asyncProperty(params, start, stepsArbitrary(8, 40), async ({ cap, leak, unit }, t0, raw) => {
        const steps = raw.map((s) => ({ ...s, n: Math.min(s.n, cap) }));
        const make = (c: FakeClock) => new LeakyBucketMeter({ capacity: cap, leakTokens: leak, leakIntervalMs: unit }, { clock: c.now });
        const trace = await runTrace(make, steps, t0);
        trace.forEach((d, k) => expect(d.decision.allowed).toBe(waterLevel(trace, k, leak, unit) + d.n * unit <= cap * unit));
        expectPairBound(admitted(trace), unit, cap * unit, leak, false);
        await checkRetries(make, steps, t0, trace);
      }),
      RUNS,
    );
  });

  it('queue (tryAcquire): admits only on an idle outlet; no bursts at all', async () => {
    await fc.assert(
      fc.asyncProperty(params, start, stepsArbitrary(8, 40), async ({ cap, leak, unit }, t0, raw) => {
        const steps = raw.map((s) => ({ ...s, n: Math.min(s.n, cap) }));
        const make = (c: FakeClock) => new LeakyBucketQueue({ capacity: cap, leakTokens: leak, leakIntervalMs: unit }, { clock: c.now });
        const trace = await runTrace(make, steps, t0);
        trace.forEach((d, k) => expect(d.decision.allowed).toBe(waterLevel(trace, k, leak, unit) === 0));
        expectPairBound(admitted(trace), unit, 0, leak, true);
        await checkRetries(make, steps, t0, trace);
      }),
      RUNS,
    );
  });

  it('queue (acquire): departures leave at the leak rate and the backlog never exceeds capacity', async () => {
    await fc.assert(
      fc.asyncProperty(params, start, stepsArbitrary(8, 40), async ({ cap, leak, unit }, t0, raw) => {
        let now = t0;
        let lastDelay = 0;
        const queue = new LeakyBucketQueue(
          { capacity: cap, leakTokens: leak, leakIntervalMs: unit },
          { clock: () => now, sleep: async (ms) => void (lastDelay = ms) },
        );
        const departures: Admission[] = [];
        const queued: { arrival: number; n: number }[] = [];
        for (const step of raw) {
          now += step.dt;
          const n = Math.min(step.n, cap);
          lastDelay = 0;
          const full = await queue.acquire('k', n).then(
            () => false,
            () => true,
          );
          if (!full) {
            departures.push({ t: now + lastDelay, n });
            queued.push({ arrival: now, n });
          }
        }
        // Departures are in arrival order (FIFO) and never earlier than their arrival.
        for (let i = 1; i < departures.length; i += 1) expect(departures[i].t).toBeGreaterThanOrEqual(departures[i - 1].t);
        departures.forEach((d, i) => expect(d.t).toBeGreaterThanOrEqual(queued[i].arrival));
        // Spacing: Σ n × unit over i..j−1 < leak × (d_j − d_i + 1) (departures rounded up to whole ms).
        for (let i = 0; i < departures.length; i += 1) {
          let units = 0;
          for (let j = i + 1; j < departures.length; j += 1) {
            units += departures[j - 1].n;
            expect(units * unit).toBeLessThan(leak * (departures[j].t - departures[i].t + 1));
          }
        }
        // Bounded: at each arrival, units queued but not yet departed (itself included) ≤ capacity.
        queued.forEach((q, k) => {
          const waiting = departures.slice(0, k + 1).filter((d) => d.t > q.arrival).reduce((acc, d) => acc + d.n, 0);
          expect(waiting).toBeLessThanOrEqual(cap);
        });
      }),
      RUNS,
    );
  });
});

describe('property: window counters', () => {
  const params = fc.record({ limit: fc.integer({ min: 1, max: 10 }), windowMs: fc.integer({ min: 1, max: 200 }) });

  it('fixed window: decides by definition; at most limit per aligned window, up to 2 × limit across a boundary', async () => {
    await fc.assert(
      fc.asyncProperty(params, start, stepsArbitrary(10, 60), async ({ limit, windowMs }, t0, raw) => {
        const steps = raw.map((s) => ({ ...s, n: Math.min(s.n, limit) }));
        const make = (c: FakeClock) => new FixedWindow({ limit, windowMs }, { clock: c.now });
        const trace = await runTrace(make, steps, t0);
        const win = (t: number) => Math.floor(t / windowMs);
        trace.forEach((d, k) => {
          const used = sum(admitted(trace.slice(0, k)).filter((a) => win(a.t) === win(d.t)));
          expect(d.decision.allowed).toBe(used + d.n <= limit);
        });
        const adm = admitted(trace);
        for (const a of adm) {
          expect(sum(adm.filter((b) => win(b.t) === win(a.t)))).toBeLessThanOrEqual(limit);
          expect(sum(adm.filter((b) => b.t > a.t - windowMs && b.t <= a.t))).toBeLessThanOrEqual(2 * limit);
        }
        await checkRetries(make, steps, t0, trace);
      }),
      RUNS,
    );
  });

  it('sliding log: decides by definition; at most limit in every window (t − windowMs, t]', async () => {
    await fc.assert(
      fc.asyncProperty(params, start, stepsArbitrary(10, 60), async ({ limit, windowMs }, t0, raw) => {
        const steps = raw.map((s) => ({ ...s, n: Math.min(s.n, limit) }));
        const make = (c: FakeClock) => new SlidingLog({ limit, windowMs }, { clock: c.now });
        const trace = await runTrace(make, steps, t0);
        trace.forEach((d, k) => {
          const inWindow = sum(admitted(trace.slice(0, k)).filter((a) => a.t > d.t - windowMs));
          expect(d.decision.allowed).toBe(inWindow + d.n <= limit);
        });
        const adm = admitted(trace);
        for (const a of adm) expect(sum(adm.filter((b) => b.t > a.t - windowMs && b.t <= a.t))).toBeLessThanOrEqual(limit);
        await checkRetries(make, steps, t0, trace);
      }),
      RUNS,
    );
  });

  it('sliding window counter: decides by the weighted estimate; ≤ limit per aligned window, < 2 × limit per sliding window', async () => {
    await fc.assert(
      fc.asyncProperty(params, start, stepsArbitrary(10, 60), async ({ limit, windowMs }, t0, raw) => {
        const steps = raw.map((s) => ({ ...s, n: Math.min(s.n, limit) }));
        const make = (c: FakeClock) => new SlidingWindowCounter({ limit, windowMs }, { clock: c.now });
        const trace = await runTrace(make, steps, t0);
        const win = (t: number) => Math.floor(t / windowMs);
        trace.forEach((d, k) => {
          const before = admitted(trace.slice(0, k));
          const current = sum(before.filter((a) => win(a.t) === win(d.t)));
          const previous = sum(before.filter((a) => win(a.t) === win(d.t) - 1));
          const offset = d.t - win(d.t) * windowMs;
          expect(d.decision.allowed).toBe(previous * (windowMs - offset) + (current + d.n) * windowMs <= limit * windowMs);
        });
        const adm = admitted(trace);
        for (const a of adm) {
          expect(sum(adm.filter((b) => win(b.t) === win(a.t)))).toBeLessThanOrEqual(limit);
          expect(sum(adm.filter((b) => b.t > a.t - windowMs && b.t <= a.t))).toBeLessThan(2 * limit);
        }
        await checkRetries(make, steps, t0, trace);
      }),
      RUNS,
    );
  });
});
