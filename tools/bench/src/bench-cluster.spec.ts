import { BenchCluster } from './bench-cluster';

describe('kernel bench cluster (smoke)', () => {
  it.each([
    [1000, 16],
    [999, 64],
    [5000, 256],
  ])('%i entries in batches of %i are committed on the leader and applied on all three nodes exactly once', (entries, batch) => {
    const cluster = new BenchCluster();
    const counts = cluster.run({ entries, batch, payloadBytes: 100, window: 4096, compactEvery: 700 });
    expect(counts.proposed).toBe(entries);
    expect(counts.committedOnLeader).toBe(entries);
    expect(counts.appliedPerNode).toEqual([entries, entries, entries]);
  });

  it('keeps counting exactly across consecutive runs on one cluster', () => {
    const cluster = new BenchCluster();
    cluster.run({ entries: 300, batch: 32, payloadBytes: 100, window: 4096, compactEvery: 100 });
    const second = cluster.run({ entries: 200, batch: 32, payloadBytes: 100, window: 4096, compactEvery: 100 });
    expect(second.appliedPerNode).toEqual([200, 200, 200]);
  });
});
