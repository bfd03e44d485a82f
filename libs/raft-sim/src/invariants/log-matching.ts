import type { Entry, NodeId } from '@raft/raft-core';
import { InvariantViolation } from './invariant-violation';
import { describeEntry, sameEntry } from './log-view';

interface Anchor {
  readonly entry: Entry;
  /** Term of the entry before it in the log that first held it. */
  readonly prevTerm: number;
  readonly holder: NodeId;
}

/**
 * Log Matching (Raft §5.3): if two logs contain an entry with the same index and term, the
 * logs are identical in all entries up through that index.
 *
 * Checked incrementally over every entry any server ever stores: an (index, term) pair
 * must always name the same entry *and* sit after the same previous term. By induction on
 * the index that is equivalent to identical prefixes, at O(1) per stored entry.
 */
export class LogMatchingChecker {
  private readonly anchors = new Map<string, Anchor>();

  /**
   * Records that `id` now stores `entries` (contiguous), the first of which follows an
   * entry of term `prevTerm` (0 for the start of the log).
   */
  observeAppend(id: NodeId, prevTerm: number, entries: readonly Entry[]): void {
    let before = prevTerm;
    for (const e of entries) {
      const key = `${e.index}:${e.term}`;
      const known = this.anchors.get(key);
      if (!known) this.anchors.set(key, { entry: e, prevTerm: before, holder: id });
      else if (!sameEntry(known.entry, e)) {
        throw new InvariantViolation(
          'log-matching',
          `${known.holder} and ${id} hold different entries at ${e.index}/${e.term}: ${describeEntry(known.entry)} vs ${describeEntry(e)}`,
        );
      } else if (known.prevTerm !== before) {
        throw new InvariantViolation(
          'log-matching',
          `entry ${e.index}/${e.term} follows term ${known.prevTerm} on ${known.holder} but term ${before} on ${id}: prefixes differ`,
        );
      }
      before = e.term;
    }
  }
}

/**
 * Full (non-incremental) Log Matching check over complete logs, for tests and end-of-run
 * audits: for every pair of logs and every index where both hold an entry of the same
 * term, all earlier entries both hold must be identical.
 */
export function checkLogMatching(logs: ReadonlyMap<NodeId, readonly Entry[]>): void {
  const ids = [...logs.keys()];
  for (let a = 0; a < ids.length; a++) {
    for (let b = a + 1; b < ids.length; b++) {
      const la = indexByPosition(logs.get(ids[a]!)!);
      const lb = indexByPosition(logs.get(ids[b]!)!);
      let highestMatch = 0;
      for (const [index, e] of la) if (lb.get(index)?.term === e.term) highestMatch = Math.max(highestMatch, index);
      for (const [index, e] of la) {
        const other = lb.get(index);
        if (index <= highestMatch && other && !sameEntry(e, other)) {
          throw new InvariantViolation(
            'log-matching',
            `${ids[a]} and ${ids[b]} agree at ${highestMatch} but differ at ${index}: ${describeEntry(e)} vs ${describeEntry(other)}`,
          );
        }
      }
    }
  }
}

function indexByPosition(entries: readonly Entry[]): Map<number, Entry> {
  return new Map(entries.map((e) => [e.index, e]));
}
