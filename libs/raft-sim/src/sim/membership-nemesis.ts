import { RaftError, type MembershipChange, type NodeId } from '@raft/raft-core';
import type { Prng } from '../prng';
import type { SimNode } from './sim-node';

/** What the membership nemesis acts on. */
export interface MembershipTarget {
  readonly nodes: readonly SimNode[];
  currentLeader(): SimNode | null;
  afterInput(node: SimNode): void;
  note(kind: 'membership', text: string): void;
}

/** Counts of what the nemesis asked for and what the kernel accepted. */
export interface MembershipStats {
  requested: number;
  accepted: number;
  refused: number;
}

/**
 * Random membership changes on the leader — add a learner, add a voter (learner, catch-up,
 * joint consensus), remove a member (the leader included), replace (remove then add later),
 * transfer leadership — interleaved with whatever crashes and partitions the fault injector
 * causes. Refusals (a change in flight, an invalid change) are expected and only counted:
 * the point is that no interleaving breaks a safety invariant.
 */
export class MembershipNemesis {
  readonly stats: MembershipStats = { requested: 0, accepted: 0, refused: 0 };

  constructor(
    private readonly rng: Prng,
    private readonly rate: number,
  ) {}

  tick(t: MembershipTarget): void {
    if (this.rate <= 0 || this.rng.nextFloat() >= this.rate) return;
    const leader = t.currentLeader();
    if (!leader?.kernel) return;
    const status = leader.kernel.status();
    const ids = t.nodes.map((n) => n.id);
    const voters = new Set<NodeId>([...status.config.voters, ...status.config.outgoing]);
    const members = new Set<NodeId>([...voters, ...status.config.learners]);
    const pick = <T>(xs: readonly T[]): T | undefined => (xs.length === 0 ? undefined : xs[this.rng.between(0, xs.length - 1)]);
    const outsiders = ids.filter((id) => !members.has(id));
    const nonVoters = ids.filter((id) => !voters.has(id));
    const roll = this.rng.between(0, 9);
    let change: MembershipChange | null = null;
    let transferTo: NodeId | undefined;
    if (roll < 3) {
      const id = pick(nonVoters);
      if (id) change = { kind: 'add-voter', id, maxRounds: 5 };
    } else if (roll < 5) {
      const id = pick(outsiders);
      if (id) change = { kind: 'add-learner', id };
    } else if (roll < 8) {
      const id = pick([...members]);
      if (id) change = { kind: 'remove', id };
    } else {
      transferTo = pick([...voters].filter((v) => v !== leader.id));
    }
    if (!change && !transferTo) return;
    this.stats.requested++;
    const what = change ? `${change.kind} ${change.id}` : `transfer to ${transferTo}`;
    try {
      if (change) leader.kernel.changeMembership(change);
      else leader.kernel.transferLeadership(transferTo!);
      this.stats.accepted++;
      t.note('membership', `${leader.id} starts ${what}`);
    } catch (e) {
      if (!(e instanceof RaftError)) throw e;
      this.stats.refused++;
      t.note('membership', `${leader.id} refuses ${what}: ${e.code}`);
    }
    t.afterInput(leader);
  }
}
