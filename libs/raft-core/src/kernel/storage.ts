import type { Entry, HardState, IncomingSnapshotChunk, RecoveredState, SnapshotMeta } from './types';

/**
 * Read access to the current local snapshot, used by a leader to send InstallSnapshot
 * chunks. Synchronous on purpose: the kernel never waits; implementations read a bounded
 * chunk (e.g. with a positioned read on an open file).
 */
export interface SnapshotSource {
  /** The newest complete snapshot, or null if none exists. */
  current(): SnapshotMeta | null;
  /** Total size in bytes of the snapshot identified by `meta`. */
  size(meta: SnapshotMeta): number;
  /** Up to `maxBytes` bytes of that snapshot starting at `offset`. */
  read(meta: SnapshotMeta, offset: number, maxBytes: number): Uint8Array;
}

/** Streams a snapshot's bytes to stable storage; nothing is visible until `commit`. */
export interface SnapshotWriter {
  write(chunk: Uint8Array): Promise<void>;
  /** Makes the snapshot durable and current (fsync, rename, directory fsync). */
  commit(): Promise<void>;
  /** Discards a partial snapshot; the previous one stays current. */
  abort(): Promise<void>;
}

/**
 * A state machine's state captured at one applied index, to be written to a
 * {@link SnapshotWriter} later — while the state machine keeps applying entries.
 */
export interface CapturedState {
  /** Streams the captured state to `writer`. */
  write(writer: SnapshotWriter): Promise<void>;
  /** Ends the capture (after writing it, or giving up). Idempotent. */
  release(): void;
}

/** Streams a stored snapshot's bytes back, e.g. to restore a state machine. */
export interface SnapshotReader {
  readonly meta: SnapshotMeta;
  readonly size: number;
  /** Async iteration over the snapshot's bytes in bounded chunks. */
  chunks(chunkBytes?: number): AsyncIterable<Uint8Array>;
}

/**
 * Durable storage for one Raft server, used by the host that drives the kernel (never by
 * the kernel itself, which does no I/O). Every promise resolves only after the data it
 * covers is on stable storage (fsync/fdatasync returned).
 */
export interface RaftStorage extends SnapshotSource {
  /** Recovers what is durable. Refuses (rejects) on corruption that may lose acknowledged data. */
  load(): Promise<Omit<RecoveredState, 'bootstrapConfig'>>;
  /**
   * Durably records a hard state and/or appends entries. If `entries[0].index` ≤ the last
   * stored index, the stored suffix from that index on is discarded first — durably.
   */
  save(hardState: HardState | null, entries: readonly Entry[]): Promise<void>;
  /** Writes one received InstallSnapshot chunk (chunks arrive in offset order). */
  writeSnapshotChunk(chunk: IncomingSnapshotChunk): Promise<void>;
  /** Makes a fully received snapshot current and drops the log it covers (keeping a
   * matching suffix after it, per the InstallSnapshot receiver rules). */
  installSnapshot(meta: SnapshotMeta): Promise<void>;
  /** Starts writing a snapshot of the local state machine at `meta.index`. */
  createSnapshot(meta: SnapshotMeta): Promise<SnapshotWriter>;
  /** Opens the current snapshot for reading, or null if there is none. */
  openSnapshot(): Promise<SnapshotReader | null>;
  /** Drops log entries with index ≤ `index` (only whole segments need to go). */
  compact(index: number): Promise<void>;
  close(): Promise<void>;
}
