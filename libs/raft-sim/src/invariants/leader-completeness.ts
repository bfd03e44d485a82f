import type { Entry, NodeId } from '@raft/raft-core';
import { InvariantViolation } from './invariant-violation';
import { describeEntry, sameEntry, type LogView } from './log-view';

/**
 * Leader Completeness (Raft §5.4): if an entry is committed in a term, it is present in the
 * logs of the leaders of all higher terms. Also catches a committed entry being replaced
 * (two servers committing different entries at one index).
 */
export class LeaderCompletenessChecker {
  /** committed[i - 1] is the entry committed at index i (contiguous from 1). */
  private readonly committed: Entry[] = [];
  /** Committed indexes covered only by a snapshot: we know their term at the snapshot point. */
  private readonly snapshotTerms = new Map<number, number>();
  /** Highest commit index already examined per server (commit may drop after a restart). */
  private readonly examined = new Map<NodeId, number>();

  /** Number of indexes known to be committed. */
  committedCount(): number {
    return this.committed.length;
  }

  committedEntry(index: number): Entry | undefined {
    return this.committed[index - 1];
  }

  /**
   * Records that `id` considers everything up to `commit` committed. Entries still in its
   * memory are compared against what was committed before; a gap covered by its snapshot is
   * remembered by the snapshot's term. Call it before the server compacts its log.
   */
  observeCommit(id: NodeId, commit: number, log: LogView): void {
    // Only indexes above what this server had committed at the last observation are new.
    if (log.snapshotIndex > 0 && log.snapshotIndex <= commit) this.snapshotTerms.set(log.snapshotIndex, log.snapshotTerm);
    const from = Math.max(log.snapshotIndex, Math.min(this.examined.get(id) ?? 0, commit)) + 1;
    this.examined.set(id, commit);
    for (let i = from; i <= commit; i++) {
      const e = log.entryAt(i);
      if (!e) break;
      const known = this.committed[i - 1];
      if (known) {
        if (!sameEntry(known, e)) {
          throw new InvariantViolation('leader-completeness', `${id} committed ${describeEntry(e)} but ${describeEntry(known)} was committed at ${i}`);
        }
      } else if (i === this.committed.length + 1) {
        this.committed.push(e);
      }
    }
  }

  /** Checks a newly elected leader of `term` holds every entry committed so far. */
  observeNewLeader(id: NodeId, term: number, log: LogView): void {
    if (log.lastIndex < this.committed.length) {
      throw new InvariantViolation(
        'leader-completeness',
        `new leader ${id} (term ${term}) ends at ${log.lastIndex} but ${this.committed.length} entries are committed`,
      );
    }
    for (let i = log.snapshotIndex + 1; i <= this.committed.length; i++) {
      const e = log.entryAt(i);
      const known = this.committed[i - 1]!;
      if (!e || !sameEntry(e, known)) {
        throw new InvariantViolation(
          'leader-completeness',
          `new leader ${id} (term ${term}) has ${describeEntry(e)} at ${i}, but ${describeEntry(known)} is committed there`,
        );
      }
    }
    const atSnapshot = this.committed[log.snapshotIndex - 1]?.term ?? this.snapshotTerms.get(log.snapshotIndex);
    if (log.snapshotIndex > 0 && atSnapshot !== undefined && atSnapshot !== log.snapshotTerm) {
      throw new InvariantViolation(
        'leader-completeness',
        `new leader ${id} (term ${term}) has a snapshot at ${log.snapshotIndex}/${log.snapshotTerm}, committed term there is ${atSnapshot}`,
      );
    }
  }
}
