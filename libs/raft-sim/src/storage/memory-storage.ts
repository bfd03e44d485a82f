import type {
  Entry,
  HardState,
  IncomingSnapshotChunk,
  RaftStorage,
  RecoveredState,
  SnapshotMeta,
  SnapshotReader,
  SnapshotWriter,
} from '@raft/raft-core';
import { StorageContractError } from './errors';
import { MemorySnapshotStore, type StoredSnapshot } from './memory-snapshot-store';

const INITIAL_HARD_STATE: HardState = { term: 0, vote: null, commit: 0 };

/** What a server recovers at restart, without the bootstrap configuration the host adds. */
export type DurableState = Omit<RecoveredState, 'bootstrapConfig'>;

/**
 * In-memory stable storage for one Raft server. Everything held here counts as durable:
 * each synchronous call is an fsync that completed. A simulated crash throws away the
 * server's kernel and state machine but keeps this object, so after a restart exactly what
 * was persisted survives — no more, no less.
 *
 * The synchronous methods are what the simulator uses; the `RaftStorage` promise API wraps
 * them for hosts written against the real interface.
 */
export class MemoryStorage implements RaftStorage {
  private hard: HardState = INITIAL_HARD_STATE;
  /** Entries after the current snapshot, contiguous. */
  private log: Entry[] = [];
  private snapshots = new MemorySnapshotStore();

  // ───────────── synchronous API ─────────────

  /** What a restarted server recovers. */
  loadSync(): DurableState {
    return { hardState: this.hard, snapshot: this.snapshotIndexMeta(), entries: this.log.slice() };
  }

  hardState(): HardState {
    return this.hard;
  }

  snapshotIndex(): number {
    return this.snapshots.current()?.meta.index ?? 0;
  }

  lastIndex(): number {
    return this.snapshotIndex() + this.log.length;
  }

  /** Term of the entry at `index`, the snapshot's term at its index, 0 at index 0, else undefined. */
  termAt(index: number): number | undefined {
    const snap = this.snapshots.current()?.meta;
    if (snap && index === snap.index) return snap.term;
    if (index === 0) return 0;
    const offset = index - this.snapshotIndex() - 1;
    return offset >= 0 && offset < this.log.length ? this.log[offset]!.term : undefined;
  }

  /** Durable entries in [lo, hi). */
  entries(lo: number, hi: number): Entry[] {
    const base = this.snapshotIndex() + 1;
    return this.log.slice(Math.max(lo, base) - base, Math.max(hi, base) - base);
  }

  /**
   * Durably records a hard state and entries. Entries starting at or below the stored last
   * index replace the stored suffix; entries already covered by the snapshot are skipped.
   */
  saveSync(hardState: HardState | null, entries: readonly Entry[]): void {
    if (hardState) this.hard = hardState;
    if (entries.length === 0) return;
    const snapIndex = this.snapshotIndex();
    let k = 0;
    while (k < entries.length && entries[k]!.index <= snapIndex) k++;
    if (k === entries.length) return;
    const first = entries[k]!.index;
    if (first > this.lastIndex() + 1) {
      throw new StorageContractError(`append at ${first} leaves a gap after last index ${this.lastIndex()}`);
    }
    this.log.length = first - snapIndex - 1;
    for (; k < entries.length; k++) {
      const e = entries[k]!;
      if (e.index !== snapIndex + this.log.length + 1) throw new StorageContractError(`entries are not contiguous at ${e.index}`);
      this.log.push(e);
    }
  }

  writeSnapshotChunkSync(chunk: IncomingSnapshotChunk): void {
    this.snapshots.writeChunk(chunk);
  }

  /**
   * Makes a fully received snapshot current. Keeps the log suffix after it when our entry
   * at its index has its term (InstallSnapshot receiver rule 6), else discards the log.
   * Returns the snapshot so the host can restore its state machine from it.
   */
  installSnapshotSync(meta: SnapshotMeta): StoredSnapshot {
    const keep = this.termAt(meta.index) === meta.term && meta.index <= this.lastIndex();
    const suffix = keep ? this.entries(meta.index + 1, this.lastIndex() + 1) : [];
    const snapshot = this.snapshots.completeIncoming(meta);
    this.log = suffix;
    return snapshot;
  }

  /** Durably stores a snapshot of the local state machine. Does not compact the log. */
  storeSnapshotSync(meta: SnapshotMeta, data: Uint8Array): void {
    const before = this.snapshotIndex();
    const suffix = this.entries(meta.index + 1, this.lastIndex() + 1);
    if (meta.index > this.lastIndex() || (meta.index > before && this.termAt(meta.index) !== meta.term)) {
      throw new StorageContractError(`snapshot ${meta.index}/${meta.term} does not match the stored log`);
    }
    this.snapshots.store({ meta, data });
    // The log is re-based on the new snapshot: entries it covers are no longer addressable.
    this.log = suffix;
  }

  /** The current snapshot with its bytes, or null. */
  currentSnapshot(): StoredSnapshot | null {
    return this.snapshots.current();
  }

  /** Log entries ≤ index are covered by a stored snapshot; nothing more to drop in memory. */
  compactSync(index: number): void {
    if (index > this.snapshotIndex()) {
      throw new StorageContractError(`cannot compact to ${index}: no snapshot covers it (snapshot at ${this.snapshotIndex()})`);
    }
  }

  /**
   * Replaces everything held with `state` and its snapshot's bytes: what a restarted server
   * recovered from another medium (e.g. files written by a real storage alongside this one).
   * Superseded snapshots and a partially received one are gone, as after a real restart.
   */
  replaceWith(state: DurableState, snapshot: StoredSnapshot | null): void {
    if ((state.snapshot === null) !== (snapshot === null)) throw new StorageContractError('snapshot meta and bytes must come together');
    this.snapshots = new MemorySnapshotStore();
    if (snapshot) this.snapshots.store(snapshot);
    this.hard = state.hardState;
    this.log = state.entries.slice();
  }

  // ───────────── SnapshotSource (read by the leader's kernel) ─────────────

  current(): SnapshotMeta | null {
    return this.snapshots.current()?.meta ?? null;
  }

  size(meta: SnapshotMeta): number {
    return this.snapshots.find(meta).data.length;
  }

  read(meta: SnapshotMeta, offset: number, maxBytes: number): Uint8Array {
    return this.snapshots.find(meta).data.subarray(offset, offset + maxBytes);
  }

  // ───────────── RaftStorage (promise API over the synchronous one) ─────────────

  async load(): Promise<DurableState> {
    return this.loadSync();
  }

  async save(hardState: HardState | null, entries: readonly Entry[]): Promise<void> {
    this.saveSync(hardState, entries);
  }

  async writeSnapshotChunk(chunk: IncomingSnapshotChunk): Promise<void> {
    this.writeSnapshotChunkSync(chunk);
  }

  async installSnapshot(meta: SnapshotMeta): Promise<void> {
    this.installSnapshotSync(meta);
  }

  async createSnapshot(meta: SnapshotMeta): Promise<SnapshotWriter> {
    const parts: Uint8Array[] = [];
    let state: 'open' | 'done' = 'open';
    const ensureOpen = (): void => {
      if (state !== 'open') throw new StorageContractError('snapshot writer is already committed or aborted');
    };
    return {
      write: async (chunk) => {
        ensureOpen();
        parts.push(chunk.slice());
      },
      commit: async () => {
        ensureOpen();
        state = 'done';
        this.storeSnapshotSync(meta, concat(parts));
      },
      abort: async () => {
        state = 'done';
      },
    };
  }

  async openSnapshot(): Promise<SnapshotReader | null> {
    const snap = this.snapshots.current();
    if (!snap) return null;
    return {
      meta: snap.meta,
      size: snap.data.length,
      async *chunks(chunkBytes = 64 * 1024) {
        for (let o = 0; o < snap.data.length; o += chunkBytes) yield snap.data.subarray(o, o + chunkBytes);
      },
    };
  }

  async compact(index: number): Promise<void> {
    this.compactSync(index);
  }

  async close(): Promise<void> {
    // Nothing to release: memory is the medium.
  }

  private snapshotIndexMeta(): SnapshotMeta | null {
    return this.snapshots.current()?.meta ?? null;
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
