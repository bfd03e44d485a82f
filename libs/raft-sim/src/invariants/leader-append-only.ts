import type { Entry, NodeId } from '@raft/raft-core';
import { InvariantViolation } from './invariant-violation';
import { describeEntry, sameEntry, type LogView } from './log-view';

interface LeaderMark {
  readonly term: number;
  readonly lastIndex: number;
  readonly last: Entry | undefined;
}

/**
 * Leader Append-Only (Raft §5.3): a leader never overwrites or deletes entries in its log;
 * it only appends. Each time a leader is observed, its log must still end at or beyond
 * where it ended last time in the same term, with the same entry at that old end.
 */
export class LeaderAppendOnlyChecker {
  private readonly marks = new Map<NodeId, LeaderMark>();

  /** Observes `id` as leader of `term` with log `log`. */
  observeLeader(id: NodeId, term: number, log: LogView): void {
    const prev = this.marks.get(id);
    if (prev && prev.term === term) {
      if (log.lastIndex < prev.lastIndex) {
        throw new InvariantViolation('leader-append-only', `${id} (term ${term}) shrank its log from ${prev.lastIndex} to ${log.lastIndex}`);
      }
      if (prev.last && prev.lastIndex > log.snapshotIndex) {
        const now = log.entryAt(prev.lastIndex);
        if (!now || !sameEntry(now, prev.last)) {
          throw new InvariantViolation(
            'leader-append-only',
            `${id} (term ${term}) changed entry ${prev.lastIndex}: was ${describeEntry(prev.last)}, now ${describeEntry(now)}`,
          );
        }
      }
    }
    this.marks.set(id, { term, lastIndex: log.lastIndex, last: log.entryAt(log.lastIndex) });
  }

  /** Forgets `id`'s leadership (it stepped down or crashed: a new term starts a new log era). */
  forget(id: NodeId): void {
    this.marks.delete(id);
  }
}
