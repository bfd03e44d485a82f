import { seedChunks, sweep } from '../testing/seed-sweep';

// Part of the CI sweep: 300 seeds × 3,000 ticks on 3- and 5-node clusters, split across
// four files so Jest runs them in parallel. Odd seeds run the steady fault profile, even
// seeds the stormy one. A failure prints the seed, tick and trace tail for replay.
const NODES = 5;
const TICKS = 3000;

jest.setTimeout(120_000);

describe('simulation sweep: 5 nodes, seeds 1..150', () => {
  it.each(seedChunks(1, 150, 15))('seeds %i.. (%i seeds) keep every invariant for 3000 ticks', (from, count) => {
    const results = sweep(from, count, NODES, TICKS);
    expect(results.map((r) => r.ticks)).toEqual(new Array(count).fill(TICKS));
    // Every run made progress despite the faults.
    expect(results.filter((r) => r.committed === 0)).toEqual([]);
  });
});
