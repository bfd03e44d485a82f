import type { ConfigState, NodeId } from './types';

/** Outcome of a vote count. `pending` means the result is not decided yet. */
export type VoteOutcome = 'won' | 'lost' | 'pending';

/**
 * The highest index that a majority of `voters` has acknowledged, given each voter's
 * acknowledged index. A voter without an entry in `acked` counts as 0. With no voters
 * the result is +Infinity, so that in a joint configuration an empty half never limits
 * the other (the overall result is the minimum of both halves).
 */
export function majorityIndex(voters: readonly NodeId[], acked: (id: NodeId) => number): number {
  const n = voters.length;
  if (n === 0) return Number.POSITIVE_INFINITY;
  const values = new Array<number>(n);
  for (let i = 0; i < n; i++) values[i] = acked(voters[i]!);
  values.sort((a, b) => b - a);
  // With values sorted descending, the (⌊n/2⌋+1)-th largest is held by a majority.
  return values[n >> 1]!;
}

/** Joint consensus: an index counts only when both the incoming and outgoing majorities hold it. */
export function committedIndex(config: ConfigState, acked: (id: NodeId) => number): number {
  return Math.min(majorityIndex(config.voters, acked), majorityIndex(config.outgoing, acked));
}

/** Counts a vote within one majority configuration. */
export function majorityVote(voters: readonly NodeId[], votes: ReadonlyMap<NodeId, boolean>): VoteOutcome {
  if (voters.length === 0) return 'won';
  let granted = 0;
  let missing = 0;
  for (const id of voters) {
    const v = votes.get(id);
    if (v === true) granted++;
    else if (v === undefined) missing++;
  }
  const quorum = (voters.length >> 1) + 1;
  if (granted >= quorum) return 'won';
  if (granted + missing >= quorum) return 'pending';
  return 'lost';
}

/** Counts a vote under a possibly joint configuration: both halves must be won. */
export function jointVote(config: ConfigState, votes: ReadonlyMap<NodeId, boolean>): VoteOutcome {
  const a = majorityVote(config.voters, votes);
  const b = majorityVote(config.outgoing, votes);
  if (a === 'lost' || b === 'lost') return 'lost';
  if (a === 'won' && b === 'won') return 'won';
  return 'pending';
}

/** Whether a set of members that are "active" (e.g. heard from recently) forms a quorum. */
export function isQuorumActive(config: ConfigState, active: (id: NodeId) => boolean): boolean {
  const votes = new Map<NodeId, boolean>();
  for (const id of config.voters) votes.set(id, active(id));
  for (const id of config.outgoing) votes.set(id, active(id));
  return jointVote(config, votes) === 'won';
}
