import type { ClusterView, Configuration, MemberView, NodeStatus } from './cluster-types';

/** The leader among the statuses (the highest term wins over a deposed leader), or null. */
export function leaderOf(statuses: ReadonlyMap<string, NodeStatus>): NodeStatus | null {
  let best: NodeStatus | null = null;
  for (const s of statuses.values()) if (s.role === 'leader' && !s.failed && (!best || s.term > best.term)) best = s;
  return best;
}

/**
 * Builds GET /v1/cluster from the statuses of the reachable nodes. The configuration and
 * replication progress come from the leader; without a leader, from the node with the
 * highest term (and the view says `quorum: false`). Only members of the configuration are
 * listed: a removed node that still runs, or a fresh node not added yet, is not a member.
 * When no node answers, the last configuration seen (`lastKnown`) lists the members, all
 * unreachable.
 */
export function buildClusterView(
  statuses: ReadonlyMap<string, NodeStatus>,
  knownHttp: ReadonlyMap<string, string>,
  tickMs: number,
  now = new Date(),
  lastKnown: Configuration | null = null,
): ClusterView {
  const leader = leaderOf(statuses);
  const source = leader ?? [...statuses.values()].sort((a, b) => b.term - a.term || b.commitIndex - a.commitIndex)[0] ?? null;
  const config = source?.config ?? lastKnown ?? { voters: [], learners: [], outgoing: [] };
  const ids = [...new Set([...config.voters, ...config.outgoing, ...config.learners])].sort(byNodeId);
  const members: MemberView[] = ids.map((id) => {
    const s = statuses.get(id);
    const p = leader?.progress?.[id] ?? null;
    const isLeader = leader !== null && id === leader.id;
    const match = isLeader ? leader.lastIndex : (p?.match ?? null);
    const addr = source?.members[id] ?? leader?.members[id];
    const membership: MemberView['membership'] = config.voters.includes(id) ? 'voter' : config.outgoing.includes(id) ? 'outgoing-voter' : 'learner';
    return {
      id,
      address: { peer: addr?.peer ?? null, http: addr?.http ?? knownHttp.get(id) ?? null },
      role: s?.role ?? 'unreachable',
      membership,
      voter: membership !== 'learner',
      term: s?.term ?? null,
      commitIndex: s?.commitIndex ?? null,
      appliedIndex: s?.appliedIndex ?? null,
      matchIndex: match,
      lag: leader && match !== null ? Math.max(0, leader.lastIndex - match) : null,
      lastContactMs: isLeader ? 0 : p ? p.ticksSinceContact * tickMs : null,
      replication: isLeader ? 'leader' : (p?.state ?? null),
      reachable: s !== undefined,
    };
  });
  const joint = config.outgoing.length > 0;
  const running = leader?.membership && leader.membership.phase !== 'done' && leader.membership.phase !== 'failed';
  return {
    leaderId: leader?.id ?? null,
    term: leader?.term ?? null,
    commitIndex: leader?.commitIndex ?? null,
    lastIndex: leader?.lastIndex ?? null,
    members,
    configuration: { voters: [...config.voters].sort(byNodeId), learners: [...config.learners].sort(byNodeId), outgoing: [...config.outgoing].sort(byNodeId) },
    changeInProgress: Boolean(leader?.configChangeInProgress) || Boolean(running) || joint,
    membership: leader?.membership ?? null,
    quorum: leader !== null,
    observedAt: now.toISOString(),
  };
}

/** n2 before n10. */
export function byNodeId(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
