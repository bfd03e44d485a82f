import { decodeConfig, isMember, type Entry, type NodeId } from '@raft/raft-core';
import { InvariantViolation } from './invariant-violation';

/**
 * A server may believe it was removed only if it really was: the configuration in force at
 * the index its notice names (the last configuration entry committed at or below it; the
 * index may be a snapshot's) must leave it out. A wrong notice would silence a member for
 * good — an availability bug that no safety property catches. A claim is checked once the
 * committed entry at its index is known (its first application anywhere, which comes after
 * every lower index's).
 */
export class RemovalTruthChecker {
  /** Claimed index → servers that believe they were removed there, not yet checked. */
  private readonly pending = new Map<number, Set<NodeId>>();
  /** (server, index) pairs already seen, so a claim is checked once. */
  private readonly seen = new Set<string>();

  constructor(private readonly committedEntryAt: (index: number) => Entry | undefined) {}

  /** Distinct (server, index) removals observed so far. */
  get claims(): number {
    return this.seen.size;
  }

  observeClaim(id: NodeId, configIndex: number): void {
    const key = `${id}@${configIndex}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (this.committedEntryAt(configIndex)) this.check(id, configIndex);
    else this.pending.set(configIndex, (this.pending.get(configIndex) ?? new Set()).add(id));
  }

  /** The first application of `entry.index` anywhere: it is the committed entry there. */
  observeCommittedEntry(entry: Entry): void {
    const ids = this.pending.get(entry.index);
    if (!ids) return;
    this.pending.delete(entry.index);
    for (const id of ids) this.check(id, entry.index);
  }

  private check(id: NodeId, index: number): void {
    for (let k = index; k > 0; k--) {
      const entry = this.committedEntryAt(k);
      if (entry === undefined) return; // below what was observed: cannot tell
      if (entry.type !== 'config') continue;
      if (isMember(decodeConfig(entry.data), id)) {
        throw new InvariantViolation('removal-truth', `${id} believes it was removed as of index ${index}, but the configuration in force there (entry ${k}) includes it`);
      }
      return;
    }
  }
}
