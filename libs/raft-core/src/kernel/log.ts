import { KernelUsageError } from './errors';
import type { Entry, SnapshotMeta } from './types';

/**
 * The kernel's in-memory view of the log: entries after the latest snapshot, plus the
 * bookkeeping that separates what is durable from what has only been handed to the host.
 *
 * Indexes: `snapshotIndex` < firstIndex ≤ … ≤ lastIndex. Entry i lives at
 * `entries[i - snapshotIndex - 1]`.
 *
 * Invariants relied on elsewhere:
 *  - stableIndex ≤ handedIndex ≤ lastIndex: entries above `handedIndex` still have to be
 *    given to the host in a Ready; entries ≤ `stableIndex` are known to be durable.
 *  - applied ≤ committed; committed entries are never truncated (asserted).
 */
export class RaftLog {
  private entriesArr: Entry[] = [];
  snapshotIndex: number;
  snapshotTerm: number;
  committed: number;
  /** Highest index handed to the host for application (and acknowledged via advance). */
  applied: number;
  /** Highest index known to be durable on local storage. */
  stableIndex: number;
  /** Highest index already handed to the host in a Ready (durable or in flight). */
  handedIndex: number;

  constructor(snapshot: SnapshotMeta | null, entries: readonly Entry[], committed: number) {
    this.snapshotIndex = snapshot?.index ?? 0;
    this.snapshotTerm = snapshot?.term ?? 0;
    let expected = this.snapshotIndex + 1;
    for (const e of entries) {
      if (e.index !== expected) throw new KernelUsageError(`recovered log is not contiguous at index ${e.index}`);
      expected++;
    }
    this.entriesArr = entries.slice();
    this.stableIndex = this.lastIndex();
    this.handedIndex = this.stableIndex;
    // A recovered commit index may exceed what survived (it is persisted lazily); clamp it.
    this.committed = Math.min(Math.max(committed, this.snapshotIndex), this.lastIndex());
    this.applied = this.snapshotIndex;
  }

  firstIndex(): number {
    return this.snapshotIndex + 1;
  }

  lastIndex(): number {
    return this.snapshotIndex + this.entriesArr.length;
  }

  lastTerm(): number {
    const n = this.entriesArr.length;
    return n === 0 ? this.snapshotTerm : this.entriesArr[n - 1]!.term;
  }

  /** Term at `index`, or undefined when it was compacted away or is beyond the log. */
  termAt(index: number): number | undefined {
    if (index === this.snapshotIndex) return this.snapshotTerm;
    if (index < this.snapshotIndex || index > this.lastIndex()) return undefined;
    return this.entriesArr[index - this.snapshotIndex - 1]!.term;
  }

  entryAt(index: number): Entry | undefined {
    if (index <= this.snapshotIndex || index > this.lastIndex()) return undefined;
    return this.entriesArr[index - this.snapshotIndex - 1];
  }

  /** Entries in [lo, hi), clamped to what is in memory. */
  slice(lo: number, hi: number): Entry[] {
    const from = Math.max(lo, this.firstIndex()) - this.snapshotIndex - 1;
    const to = Math.min(hi, this.lastIndex() + 1) - this.snapshotIndex - 1;
    return from < to ? this.entriesArr.slice(from, to) : [];
  }

  /**
   * Entries starting at `lo` whose total payload stays within `maxBytes` — but always at
   * least one entry, so a single oversized entry still makes progress.
   */
  sliceBytes(lo: number, maxBytes: number, maxCount = Number.POSITIVE_INFINITY): Entry[] {
    const start = lo - this.snapshotIndex - 1;
    const arr = this.entriesArr;
    let end = start;
    let bytes = 0;
    while (end < arr.length && end - start < maxCount) {
      bytes += arr[end]!.data.length + 24;
      if (bytes > maxBytes && end > start) break;
      end++;
    }
    return start < end ? arr.slice(start, end) : [];
  }

  /** Whether the entry at `index` exists with `term` (the AppendEntries consistency check). */
  matches(index: number, term: number): boolean {
    return this.termAt(index) === term;
  }

  /** Whether a log ending at (lastIndex, lastTerm) is at least as up to date as ours (§5.4.1). */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const myTerm = this.lastTerm();
    return lastTerm > myTerm || (lastTerm === myTerm && lastIndex >= this.lastIndex());
  }

  /**
   * The largest index ≤ `index` whose term is ≤ `term` (or the snapshot index if none in
   * memory qualifies). Used on both sides of fast log backtracking.
   */
  findConflictByTerm(index: number, term: number): number {
    let i = Math.min(index, this.lastIndex());
    while (i > this.snapshotIndex) {
      const t = this.termAt(i)!;
      if (t <= term) return i;
      i--;
    }
    return this.snapshotIndex;
  }

  /** Leader append of fresh entries at the end of the log. */
  append(entry: Entry): void {
    this.entriesArr.push(entry);
  }

  /**
   * Follower append after a successful consistency check at `prevIndex`: skips entries it
   * already has, truncates at the first conflicting term, appends the rest.
   * Returns the index of the first truncated entry, or 0 if nothing was truncated.
   */
  appendFromLeader(entries: readonly Entry[]): number {
    let i = 0;
    // Entries at or below the snapshot are committed and therefore already match.
    while (i < entries.length && entries[i]!.index <= this.snapshotIndex) i++;
    let truncatedAt = 0;
    for (; i < entries.length; i++) {
      const e = entries[i]!;
      const t = this.termAt(e.index);
      if (t === undefined) break;
      if (t !== e.term) {
        truncatedAt = e.index;
        this.truncateFrom(e.index);
        break;
      }
    }
    for (; i < entries.length; i++) this.entriesArr.push(entries[i]!);
    return truncatedAt;
  }

  /** Drops entries ≥ `index`. Never touches committed entries (that would break safety). */
  truncateFrom(index: number): void {
    if (index <= this.committed) {
      throw new KernelUsageError(`refusing to truncate committed entry ${index} (committed=${this.committed})`);
    }
    this.entriesArr.length = Math.max(0, index - this.snapshotIndex - 1);
    this.stableIndex = Math.min(this.stableIndex, index - 1);
    this.handedIndex = Math.min(this.handedIndex, index - 1);
  }

  commitTo(index: number): boolean {
    const target = Math.min(index, this.lastIndex());
    if (target <= this.committed) return false;
    this.committed = target;
    return true;
  }

  /** Entries given to the host but not yet known durable; advance() marks them stable. */
  unhanded(): Entry[] {
    if (this.handedIndex >= this.lastIndex()) return [];
    return this.slice(this.handedIndex + 1, this.lastIndex() + 1);
  }

  /** Records that the host made entries up to (index, term) durable. Ignores stale acks. */
  stableTo(index: number, term: number): void {
    if (index > this.stableIndex && this.termAt(index) === term) this.stableIndex = index;
  }

  /** Drops entries ≤ meta.index after the host stored a snapshot there. */
  compact(meta: SnapshotMeta): void {
    if (meta.index <= this.snapshotIndex) return;
    if (meta.index > this.applied) throw new KernelUsageError(`cannot compact to ${meta.index} beyond applied ${this.applied}`);
    if (this.termAt(meta.index) !== meta.term) throw new KernelUsageError(`snapshot term mismatch at ${meta.index}`);
    this.entriesArr = this.entriesArr.slice(meta.index - this.snapshotIndex);
    this.snapshotIndex = meta.index;
    this.snapshotTerm = meta.term;
  }

  /**
   * Installs a received snapshot (InstallSnapshot receiver rules): keep the suffix after it
   * if our entry at its index has its term, otherwise discard the whole log.
   */
  restore(meta: SnapshotMeta): void {
    if (this.termAt(meta.index) === meta.term && meta.index <= this.lastIndex()) {
      this.entriesArr = this.entriesArr.slice(meta.index - this.snapshotIndex);
    } else {
      this.entriesArr = [];
    }
    this.snapshotIndex = meta.index;
    this.snapshotTerm = meta.term;
    this.committed = Math.max(this.committed, meta.index);
    this.applied = meta.index;
    this.stableIndex = Math.max(this.stableIndex, meta.index);
    this.handedIndex = Math.max(this.handedIndex, meta.index);
    if (this.entriesArr.length === 0) {
      this.stableIndex = meta.index;
      this.handedIndex = meta.index;
    }
  }
}
