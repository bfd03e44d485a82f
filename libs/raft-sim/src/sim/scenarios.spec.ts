import { SimulationFailure } from './errors';
import { calmClusterWithLeader } from '../testing/calm-cluster';

describe('deposed leader', () => {
  it('a leader isolated in a minority acknowledges no write and serves no read; the majority moves on', () => {
    const sim = calmClusterWithLeader(21, 5);
    const old = sim.currentLeader()!;
    const oldTerm = old.kernel!.status().term;
    const others = sim.nodes.filter((n) => n !== old).map((n) => n.id);
    sim.network.partition([[old.id, others[0]!], others.slice(1)]);
    const readsBefore = sim.linearizability.checkedReads();
    const writes = [sim.workload.put(sim, old), sim.workload.put(sim, old)];
    sim.workload.read(sim, old, 'safe');
    sim.advance(10 * sim.config.electionTicks);

    const leader = sim.currentLeader()!;
    expect(leader.id).not.toBe(old.id);
    expect(others.slice(1)).toContain(leader.id);
    expect(leader.kernel!.status().term).toBeGreaterThan(oldTerm);
    // CheckQuorum made the old leader step down on its own.
    expect(old.kernel!.status().role).not.toBe('leader');
    expect(writes.map((w) => sim.nodes.some((n) => n.sm.hasApplied(w)))).toEqual([false, false]);
    expect(sim.linearizability.checkedReads()).toBe(readsBefore);

    // After healing, the old leader's uncommitted entries are replaced by the new leader's log.
    sim.network.heal();
    const fresh = sim.workload.put(sim, leader);
    sim.advance(10 * sim.config.electionTicks);
    expect(sim.nodes.map((n) => n.sm.hasApplied(fresh))).toEqual(sim.nodes.map(() => true));
    expect(writes.map((w) => sim.nodes.some((n) => n.sm.hasApplied(w)))).toEqual([false, false]);
  });
});

describe('crash and restart', () => {
  it('a restarted server recovers only what it persisted and catches up by InstallSnapshot', () => {
    const sim = calmClusterWithLeader(5, 3);
    const leader = sim.currentLeader()!;
    const victim = sim.nodes.find((n) => n !== leader)!;
    sim.crash(victim, null);
    for (let k = 0; k < 120; k++) {
      sim.workload.put(sim, leader);
      sim.advance(1);
    }
    sim.advance(20);
    expect(leader.storage.snapshotIndex()).toBeGreaterThan(victim.storage.lastIndex());
    sim.restart(victim);
    sim.advance(100);
    expect(victim.snapshotsInstalled).toBe(1);
    expect(victim.sm.fingerprint()).toBe(leader.sm.fingerprint());
    expect(victim.sm.applied).toBe(leader.sm.applied);
  });
});

describe('failure reports', () => {
  it('name the invariant, seed, tick and replay command, and show the trace tail', () => {
    const sim = calmClusterWithLeader(3, 3);
    const leader = sim.currentLeader()!;
    const nextTerm = leader.kernel!.status().term + 1;
    // Forge history: pretend a server n9 led the next term, then force an election of that term.
    sim.invariants.electionSafety.observeLeader('n9', nextTerm);
    sim.network.partition([[leader.id], sim.nodes.filter((n) => n !== leader).map((n) => n.id)]);
    let failure: SimulationFailure | undefined;
    try {
      sim.advance(20 * sim.config.electionTicks);
    } catch (e) {
      failure = e as SimulationFailure;
    }
    expect(failure).toBeInstanceOf(SimulationFailure);
    expect(failure!.seed).toBe(3);
    expect(failure!.tick).toBe(sim.now);
    expect(failure!.message).toMatch(new RegExp(`election-safety violated: term ${nextTerm} has two leaders: n9 and n[123]`));
    expect(failure!.message).toContain('replay: npx nx run raft-sim:sim -- --seed 3 --nodes 3');
    expect(failure!.trace).toHaveLength(50);
    expect(failure!.trace.every((line) => /^t=\d+ \w+ /.test(line))).toBe(true);
  });
});
