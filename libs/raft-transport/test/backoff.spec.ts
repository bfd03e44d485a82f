import fc from 'fast-check';
import { backoffDelayMs } from '../src';

describe('backoffDelayMs (equal-jitter exponential backoff)', () => {
  const options = { baseMs: 50, capMs: 2_000 };

  it('doubles the ceiling from the base up to the cap; the lowest draw gives half of it', () => {
    const lowest = Array.from({ length: 9 }, (_, attempt) => backoffDelayMs(attempt, options, () => 0));
    expect(lowest).toEqual([25, 50, 100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('the highest draw stays just under the ceiling and never above the cap', () => {
    const highest = Array.from({ length: 9 }, (_, attempt) => backoffDelayMs(attempt, options, () => 0.999_999));
    expect(highest).toEqual([49, 99, 199, 399, 799, 1599, 1999, 1999, 1999]);
    expect(backoffDelayMs(1_000_000, options, () => 0.999_999)).toBe(1999);
  });

  it('clamps out-of-range draws from a misbehaving random source', () => {
    expect(backoffDelayMs(0, options, () => -3)).toBe(25);
    expect(backoffDelayMs(0, options, () => 7)).toBe(50);
  });

  it('stays within [ceiling/2, ceiling] for any attempt, draw and sane options (seeded)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 1_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        (attempt, draw, baseMs, extra) => {
          const capMs = baseMs + extra;
          const delay = backoffDelayMs(attempt, { baseMs, capMs }, () => draw);
          const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
          return Number.isInteger(delay) && delay >= Math.floor(ceiling / 2) && delay <= ceiling;
        },
      ),
      { seed: 20240611, numRuns: 2_000 },
    );
  });
});
