import type { NodeId } from '@raft/raft-core';
import { InvariantViolation } from './invariant-violation';

/**
 * Election Safety (Raft §5.2): at most one leader can be elected in a given term. Records
 * every (term, leader) ever observed, over the whole history, crashes included.
 */
export class ElectionSafetyChecker {
  private readonly leaders = new Map<number, NodeId>();

  /** Records that `id` is leader in `term`; throws if another server led that term. */
  observeLeader(id: NodeId, term: number): void {
    const previous = this.leaders.get(term);
    if (previous === undefined) this.leaders.set(term, id);
    else if (previous !== id) {
      throw new InvariantViolation('election-safety', `term ${term} has two leaders: ${previous} and ${id}`);
    }
  }

  /** The leader recorded for `term`, if any. */
  leaderOf(term: number): NodeId | undefined {
    return this.leaders.get(term);
  }

  /** Number of terms that had a leader. */
  termsWithLeader(): number {
    return this.leaders.size;
  }
}
