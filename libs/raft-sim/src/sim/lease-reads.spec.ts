import { DEFAULT_WORKLOAD } from './config';
import { Simulator } from './simulator';

/**
 * Lease reads under crashes and partitions. The lease is sound because a voter that hears
 * from a leader ignores RequestVote for an election timeout — including right after it
 * restarts, when it cannot remember whether it heard from one (the kernel's restart guard).
 * All servers tick at the same rate here, i.e. clock drift within `leaseDriftTicks`.
 */
const [from, to] = (process.env['SIM_LEASE_SEEDS'] ?? '1..40').split('..').map(Number) as [number, number];

describe(`lease reads under faults (seeds ${from}..${to}, 3,000 ticks)`, () => {
  it('every lease read is linearizable', () => {
    let checked = 0;
    for (let seed = from; seed <= to; seed++) {
      const sim = new Simulator({ seed, nodes: seed % 2 === 0 ? 5 : 3, workload: { ...DEFAULT_WORKLOAD, leaseReads: true } });
      checked += sim.run(3000).readsChecked;
    }
    expect(checked).toBeGreaterThan(1000);
  });
});
