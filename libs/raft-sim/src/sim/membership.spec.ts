import { Simulator } from './simulator';

/**
 * Random membership changes (add learner, add voter through catch-up and joint consensus,
 * remove — the leader included —, replace, transfer leadership) interleaved with crashes,
 * partitions, message loss, duplication and reordering: every safety invariant must hold.
 * Override the range with SIM_MEMBERSHIP_SEEDS=a..b.
 */
const [from, to] = (process.env['SIM_MEMBERSHIP_SEEDS'] ?? '1..40').split('..').map(Number) as [number, number];

describe(`membership changes under faults (seeds ${from}..${to}, 3 voters + 2 spares, 3,000 ticks)`, () => {
  it('keeps every invariant, and the changes really happen', () => {
    let accepted = 0;
    let changedConfigs = 0;
    let removalsLearned = 0;
    for (let seed = from; seed <= to; seed++) {
      const sim = new Simulator({ seed, nodes: 3, spareNodes: 2, membershipRate: 0.02 });
      sim.run(3000); // throws SimulationFailure (seed, tick, trace) on any violation
      accepted += sim.membership.stats.accepted;
      removalsLearned += sim.invariants.removalTruth.claims;
      const leader = sim.currentLeader();
      const voters = leader?.kernel?.status().config.voters ?? [];
      if (voters.join() !== 'n1,n2,n3') changedConfigs++;
    }
    expect(accepted).toBeGreaterThan(to - from);
    expect(changedConfigs).toBeGreaterThan(0);
    // Removed servers learned it (from a notice or first-hand), and every time truly.
    expect(removalsLearned).toBeGreaterThan(0);
  });

  it('keeps every invariant with slow disks too (writes in flight for up to 8 ticks)', () => {
    let accepted = 0;
    for (let seed = from; seed < from + 20; seed++) {
      const sim = new Simulator({ seed, nodes: 3, spareNodes: 2, membershipRate: 0.02, slowDisk: 8 });
      sim.run(3000);
      accepted += sim.membership.stats.accepted;
    }
    expect(accepted).toBeGreaterThan(20);
  });
});

