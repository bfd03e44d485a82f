import type { Entry, HardState } from '@raft/raft-core';
import { WalCorruptionError } from './errors';
import { RecordType, type WalRecord } from './records';

/** The hard state of a log that never recorded one. */
export const INITIAL_HARD_STATE: HardState = { term: 0, vote: null, commit: 0 };

/** Where the WAL's own entry at the snapshot index is, and its term. */
export interface EntryAtFloor {
  readonly term: number;
  readonly file: string;
  readonly offset: number;
}

/**
 * Rebuilds the log from WAL records applied in file order, as recovery does: entries after
 * the snapshot index (the floor), a replaced suffix dropped, the last hard state kept. One
 * implementation for `FileStorage.load()` and for tools that inspect a WAL, so that what a
 * tool reports is what recovery would load.
 */
export class LogReplay {
  /** The log after the floor, in index order. */
  entries: Entry[] = [];
  hardState: HardState = INITIAL_HARD_STATE;
  private atFloor: EntryAtFloor | undefined;

  /**
   * @param floor the newest snapshot's index (0 without one)
   * @param strict refuse, with a WalCorruptionError at the record, a gap in indexes and a
   *   snapshot marker beyond the floor (a missing snapshot), as recovery does; a tool that
   *   only lists records passes false
   */
  constructor(
    private readonly floor: number,
    private readonly strict = true,
  ) {}

  /** Index of the last entry, or the floor when the log after it is empty. */
  lastIndex(): number {
    return this.entries.length > 0 ? this.entries[this.entries.length - 1]!.index : this.floor;
  }

  /** Applies the record at `offset` of `file`. @throws WalCorruptionError (when strict) */
  apply(rec: WalRecord, file: string, offset: number): void {
    switch (rec.type) {
      case RecordType.Entry:
        for (const e of rec.entries) {
          if (e.index === this.floor) this.atFloor = { term: e.term, file, offset };
          if (e.index <= this.floor) continue; // covered by the snapshot
          const last = this.lastIndex();
          if (e.index > last + 1 && this.strict) throw new WalCorruptionError(file, offset, `gap in log indexes: expected ${last + 1}, found ${e.index}`);
          if (e.index <= last) this.entries = this.entries.filter((x) => x.index < e.index); // a replaced suffix
          this.entries.push(e);
        }
        return;
      case RecordType.HardState:
        this.hardState = rec.hardState;
        return;
      case RecordType.Truncate:
        this.entries = rec.fromIndex === 0 ? [] : this.entries.filter((x) => x.index < rec.fromIndex);
        if (rec.fromIndex <= this.floor) this.atFloor = undefined;
        return;
      case RecordType.Snapshot:
        if (rec.index > this.floor && this.strict) {
          throw new WalCorruptionError(file, offset, `log was compacted to ${rec.index} but the newest snapshot covers only ${this.floor}: the snapshot is missing`);
        }
        return;
    }
  }

  /**
   * The WAL's own entry at the snapshot index when its term is not the snapshot's, else
   * null. Then the log after it conflicts with the snapshot and recovery discards it: a
   * crash inside installSnapshot, after the received snapshot became durable but before the
   * WAL recorded what happens to the log. (Checked even with no entry after the floor:
   * appends would otherwise follow the stale entry at the floor.)
   */
  conflictWithSnapshot(snapshotTerm: number): EntryAtFloor | null {
    return this.atFloor !== undefined && this.atFloor.term !== snapshotTerm ? this.atFloor : null;
  }
}
