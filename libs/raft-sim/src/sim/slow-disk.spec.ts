import { calmClusterWithLeader } from '../testing/calm-cluster';

describe('a leader whose own disk is slow', () => {
  // Raft thesis §10.2.1: a leader may send entries before writing them, but its own copy
  // counts toward a majority only once durable. Here the one follower that can hear the
  // leader acknowledges at once while the leader's write is still in flight; the leader then
  // crashes, losing that write, and comes back beside the other follower, which never saw
  // the entry. Had the leader counted its undurable copy, the entry would have been
  // committed (and applied by the fast follower, which hears of commits while the leader's
  // write is in flight) and then overwritten by a leader elected without it: the invariant
  // checkers would fail the run.
  it('does not count its undurable copy: nothing is committed that a crash can lose', () => {
    const sim = calmClusterWithLeader(11, 3);
    const leader = sim.currentLeader()!;
    const [fast, other] = sim.nodes.filter((n) => n !== leader);
    leader.writeDelayOverride = 15;
    fast!.writeDelayOverride = 0;
    sim.network.partition([[leader.id, fast!.id], [other!.id]]);

    const put = sim.workload.put(sim, leader);
    sim.advance(8);
    expect(leader.writing).toBe(true);
    // The fast follower holds the entry durably and has acknowledged it.
    expect(fast!.storage.lastIndex()).toBeGreaterThan(leader.storage.lastIndex());
    expect(leader.kernel!.status().commit).toBeLessThan(fast!.storage.lastIndex());

    sim.crash(leader, null);
    sim.network.heal();
    sim.network.partition([[leader.id, other!.id], [fast!.id]]);
    leader.writeDelayOverride = 0;
    sim.restart(leader);
    sim.advance(20 * sim.config.electionTicks);

    const next = sim.currentLeader()!;
    expect([leader.id, other!.id]).toContain(next.id);
    // The write was never acknowledged, and no server applied it.
    expect(sim.workload.isWritePending(put) || !sim.nodes.some((n) => n.sm.hasApplied(put))).toBe(true);
    expect(sim.nodes.some((n) => n.sm.hasApplied(put))).toBe(false);

    // After healing, the fast follower's extra entry is replaced and everyone agrees.
    sim.network.heal();
    const fresh = sim.workload.put(sim, next);
    sim.advance(10 * sim.config.electionTicks);
    expect(sim.nodes.map((n) => n.sm.hasApplied(fresh))).toEqual([true, true, true]);
    expect(new Set(sim.nodes.map((n) => n.sm.fingerprint())).size).toBe(1);
  });

  it('keeps its followers and its clients served while a write is in flight', () => {
    const sim = calmClusterWithLeader(12, 3);
    const leader = sim.currentLeader()!;
    const term = leader.kernel!.status().term;
    // Far longer than an election timeout: heartbeats must leave while the write is pending.
    leader.writeDelayOverride = 3 * sim.config.electionTicks;
    const first = sim.workload.put(sim, leader);
    sim.advance(2 * sim.config.electionTicks);
    expect(leader.writing).toBe(true);
    expect(sim.currentLeader()).toBe(leader);
    expect(sim.nodes.map((n) => n.kernel!.status().term)).toEqual([term, term, term]);
    // Followers were told of the commit ahead of the leader's write and applied the entry.
    const followers = sim.nodes.filter((n) => n !== leader);
    expect(followers.map((n) => n.sm.hasApplied(first))).toEqual([true, true]);
    expect(leader.sm.hasApplied(first)).toBe(false);
    sim.advance(2 * sim.config.electionTicks);
    expect(leader.sm.hasApplied(first)).toBe(true);
    expect(sim.workload.isWritePending(first)).toBe(false);
  });
});
