import { join } from 'node:path';
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
import { ioError, StorageIOError, StorageUsageError, WalCorruptionError } from './errors';
import { nodeFileSystem, type FileSystem } from './fs-seam';
import { INITIAL_HARD_STATE, LogReplay } from './log-replay';
import {
  encodeEntryInto,
  encodeHardState,
  encodeSegmentPreamble,
  encodeSnapshotMarker,
  encodeTruncate,
  entryEncodedSize,
  isEntryType,
  SEGMENT_PREAMBLE_BYTES,
  segmentFraming,
  type SegmentFraming,
} from './records';
import { listSpares, scanSegments, segmentName, spareName, type SegmentInfo, type TornTail } from './segment-scanner';
import { DEFAULT_SNAPSHOT_WRITE_POLICY, SnapshotStore, type SnapshotWritePolicy } from './snapshot-store';
import { StagingBuffers } from './staging-buffers';
import { WriteBatch } from './write-batch';

export interface FileStorageOptions {
  /** Rotate to a new segment once the active one reaches this size (default 64 MiB). */
  readonly segmentBytes?: number;
  /**
   * Zeros are written ahead of the records of the active segment in steps of this many bytes
   * (default 1 MiB, capped by `segmentBytes`; 0 = never). A durable write over blocks already
   * allocated and zeroed needs no file-size update, so a group commit costs less than an
   * append; the zero-fill runs beside the record writes, never over them. It is skipped while
   * group commits average {@link PREALLOCATE_BELOW_AVERAGE_WRITE} bytes or more: there the
   * saved metadata update is small next to the write, and zero-filling would double the
   * bytes the disk has to take. Record writes queue behind a zero-fill on the disk, so
   * smaller steps stall them for less (1 MiB steps beat 4 MiB ones in 8 of 8 paired runs
   * of `storage-commit-breakdown.ts`; see BENCHMARKS.md).
   */
  readonly preallocateBytes?: number;
  /**
   * A snapshot file being written is flushed to disk (`fdatasync`) every this many bytes
   * (default 1 MiB, `SNAPSHOT_SYNC_BYTES`; 0 = only once, at commit), so that its flush never
   * holds the disk for long in front of the WAL's writes.
   */
  readonly snapshotSyncBytes?: number;
  /**
   * Snapshot files are written at no more than this many bytes per second (default
   * 32 MiB/s, `SNAPSHOT_WRITE_BYTES_PER_SECOND`; 0 = no limit), so that a snapshot in the
   * background leaves the disk to the WAL.
   */
  readonly snapshotWriteBytesPerSecond?: number;
  /**
   * Segments deleted by compaction are kept, up to this many (default 2; 0 = always delete),
   * as spare files that the next new segments reuse instead of new files. A durable write
   * over blocks that were already written needs no allocation and no file-size update; on
   * the disk measured in BENCHMARKS.md it is the cheapest way to make a group commit
   * durable, and unlike zero-filling ahead it costs no extra bytes. Records carry their
   * segment's tag, so the reused file's old records read as the end of the log.
   */
  readonly recycleSegments?: number;
  /** Clock for pacing snapshot writes (tests). */
  readonly snapshotClock?: SnapshotWritePolicy['clock'];
  readonly fs?: FileSystem;
  /** Told about recoveries (e.g. a torn tail truncated). */
  readonly logger?: { warn(message: string): void; info?(message: string): void };
}


/** A size option as a safe integer ≥ `min`. @throws StorageUsageError naming the option */
function sizeOption(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) throw new StorageUsageError(`${name} must be an integer ≥ ${min}, got ${String(value)}`);
  return value;
}

/** Why `e` cannot be saved as the entry at `index`, or null if it can. */
function entryProblem(e: Entry, index: number): string | null {
  if (!Number.isSafeInteger(e.index) || e.index < 1) return `index must be a positive safe integer, got ${String(e.index)}`;
  if (e.index !== index) return `index ${e.index} does not follow ${index - 1} (the entries of one save are consecutive)`;
  if (!Number.isSafeInteger(e.term) || e.term < 0) return `term must be a non-negative safe integer, got ${String(e.term)}`;
  if (!isEntryType(e.type)) return `unknown entry type ${String(e.type)}`;
  if (!(e.data instanceof Uint8Array)) return 'data must be a Uint8Array';
  return null;
}

/** Longest vote (node id) a hard state record can hold, in UTF-8 bytes. */
const MAX_VOTE_BYTES = 0xffff;

/** Why `h` cannot be saved, or null if it can. */
function hardStateProblem(h: HardState): string | null {
  if (!Number.isSafeInteger(h.term) || h.term < 0) return `hard state term must be a non-negative safe integer, got ${String(h.term)}`;
  if (!Number.isSafeInteger(h.commit) || h.commit < 0) return `hard state commit must be a non-negative safe integer, got ${String(h.commit)}`;
  if (h.vote !== null && typeof h.vote !== 'string') return 'hard state vote must be a string or null';
  // The record stores "no vote" as an empty vote, and its length in 16 bits.
  if (h.vote === '') return 'hard state vote must be a node id or null, got an empty string';
  if (h.vote !== null && Buffer.byteLength(h.vote, 'utf8') > MAX_VOTE_BYTES) return `hard state vote must be at most ${MAX_VOTE_BYTES} bytes of UTF-8`;
  return null;
}

/** Size of each of the two buffers that entries are encoded into (see StagingBuffers). */
const STAGING_BUFFER_BYTES = 1024 * 1024;

/** Group commits averaging at least this many bytes append instead of overwriting zeros. */
export const PREALLOCATE_BELOW_AVERAGE_WRITE = 64 * 1024;

/**
 * Durable Raft storage on real files: a segmented write-ahead log (entries, hard state,
 * truncations, snapshot markers) under `<dir>/wal` and snapshots under `<dir>/snap`.
 *
 * Writes go through one queue. While a durable write is in flight, new writes accumulate
 * and are written together next (group commit); every promise resolves only after the
 * write covering its bytes returned. Segments are opened with `O_DSYNC`, so each batch is a
 * single write that returns once durable (fdatasync semantics) — one thread-pool round trip
 * instead of a write followed by an fdatasync. The first I/O error fails the storage for
 * good: that batch and all later writes reject, so the node stops acknowledging.
 */
export class FileStorage implements RaftStorage {
  private readonly fs: FileSystem;
  private readonly walDir: string;
  private readonly snapshots: SnapshotStore;
  private readonly segmentBytes: number;
  private readonly preallocateBytes: number;
  /** Length of the active segment file: records up to its `size`, zeros after. */
  private activeFileBytes = 0;
  /** The zero-fill extending the active segment, while one is in flight. */
  private extending: Promise<void> | null = null;
  /** Moving average of group-commit sizes in bytes (decides whether zero-filling pays). */
  private averageWriteBytes = 0;
  private segments: SegmentInfo[] = [];
  /** How records are framed for the active segment (what saves encode with). */
  private framing: SegmentFraming = segmentFraming(1);
  private readonly recycleSegments: number;
  /** Spare segment files, reused (last first) by the next new segments. */
  private spares: string[] = [];
  private activeFd: number | null = null;
  /** What the next durable write takes: everything queued while the current one runs. */
  private next: WriteBatch | null = null;
  private readonly staging = new StagingBuffers(STAGING_BUFFER_BYTES);
  private flushing = false;
  private failure: StorageIOError | null = null;
  /** Terms of the entries on disk after the snapshot: terms[i] is the term of index floor+1+i. */
  private terms: number[] = [];
  private floor = 0;
  /**
   * The hard state of the last write that reached the disk. New segments start with it;
   * using a newer, still-queued one could make a later crash leave a durable commit index
   * (or term) ahead of the durable log.
   */
  private writtenHardState: HardState = INITIAL_HARD_STATE;
  private closed = false;

  private constructor(
    readonly dir: string,
    private readonly options: FileStorageOptions,
  ) {
    this.fs = options.fs ?? nodeFileSystem;
    this.walDir = join(dir, 'wal');
    this.snapshots = new SnapshotStore(this.fs, join(dir, 'snap'), {
      syncBytes: sizeOption('snapshotSyncBytes', options.snapshotSyncBytes ?? DEFAULT_SNAPSHOT_WRITE_POLICY.syncBytes, 0),
      bytesPerSecond: sizeOption('snapshotWriteBytesPerSecond', options.snapshotWriteBytesPerSecond ?? DEFAULT_SNAPSHOT_WRITE_POLICY.bytesPerSecond, 0),
      clock: options.snapshotClock ?? DEFAULT_SNAPSHOT_WRITE_POLICY.clock,
    });
    this.segmentBytes = sizeOption('segmentBytes', options.segmentBytes ?? 64 * 1024 * 1024, 1);
    this.preallocateBytes = Math.min(sizeOption('preallocateBytes', options.preallocateBytes ?? 1024 * 1024, 0), this.segmentBytes);
    this.recycleSegments = sizeOption('recycleSegments', options.recycleSegments ?? 2, 0);
  }

  /** Creates the directories if needed; call `load()` next. */
  static async open(dir: string, options: FileStorageOptions = {}): Promise<FileStorage> {
    const s = new FileStorage(dir, options);
    try {
      await s.fs.mkdir(s.walDir);
    } catch (e) {
      throw ioError('mkdir', e);
    }
    return s;
  }

  /** Recovers and verifies everything on disk; rejects with WalCorruptionError on damage. */
  async load(): Promise<Omit<RecoveredState, 'bootstrapConfig'>> {
    const snap = await this.snapshots.open();
    this.floor = snap?.index ?? 0;
    const replay = new LogReplay(this.floor);
    const { segments, torn } = await scanSegments(this.fs, this.walDir, (rec, file, offset) => replay.apply(rec, file, offset));
    let entries = replay.entries;
    const hard = replay.hardState;
    const conflict = snap ? replay.conflictWithSnapshot(snap.term) : null;
    if (snap && conflict) {
      // The InstallSnapshot receiver rule, applied now: our entry at the snapshot index has
      // another term, so the suffix after it conflicts — discard it.
      this.options.logger?.warn(`discarding ${entries.length} log entries after snapshot ${snap.index}: they conflict with it (term ${conflict.term} ≠ ${snap.term})`);
      entries = [];
    }
    this.segments = segments;
    this.writtenHardState = hard;
    this.terms = entries.map((e) => e.term);
    await this.openSpares();
    const tail = segments[segments.length - 1];
    if (!tail) await this.startSegment(1);
    else await this.resumeSegment(tail, torn);
    if (conflict && snap) {
      // Make the discard durable, so entries appended from now on are not discarded with it.
      await this.enqueue([encodeTruncate(0, this.framing), encodeSnapshotMarker(snap.index, snap.term, this.framing)]);
    }
    return { hardState: hard, snapshot: snap, entries };
  }

  /** Takes up the spare files on disk, deleting any beyond `recycleSegments`. */
  private async openSpares(): Promise<void> {
    try {
      this.spares = await listSpares(this.fs, this.walDir);
      while (this.spares.length > this.recycleSegments) await this.fs.unlink(this.spares.shift()!);
    } catch (e) {
      throw ioError('spare segments', e);
    }
  }

  /**
   * Makes the last segment on disk the active one: removes a torn final record, rewrites a
   * head that never landed, and moves on to a new (format-2) segment if it is a format-1
   * segment with records.
   */
  private async resumeSegment(tail: SegmentInfo, torn: TornTail | null): Promise<void> {
    if (torn) {
      this.options.logger?.warn(`truncating a torn write at the tail of ${torn.file}: ${torn.droppedBytes} bytes at offset ${torn.offset}`);
      try {
        await this.fs.truncate(torn.file, torn.offset);
      } catch (e) {
        throw ioError('truncate torn tail', e);
      }
      tail.fileBytes = torn.offset;
    }
    this.framing = segmentFraming(tail.seq);
    this.activeFd = await this.fs.openDurable(tail.path);
    this.activeFileBytes = tail.fileBytes;
    if (tail.format === 1 && tail.size > 0) {
      // This version writes format 2 only; the format-1 segment stays as it is, read only.
      await this.startSegment(tail.seq + 1);
      return;
    }
    // A crash (or an I/O error) between creating a segment and its head's durable write leaves
    // it without a head (a recycled file: with its old preamble). Appending to it headless
    // would let compaction delete the older segments holding the only copy of the hard state.
    if (tail.size <= SEGMENT_PREAMBLE_BYTES) await this.writeHead(tail);
    this.preallocate(tail);
  }

  // ───────────── writes ─────────────

  save(hardState: HardState | null, allEntries: readonly Entry[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    // Entries the snapshot already covers are skipped (as MemoryStorage does): recovery drops
    // them anyway, and counting them would shift `terms` and corrupt termAt/last-index bookkeeping.
    const entries = allEntries.length > 0 && allEntries[0]!.index <= this.floor ? allEntries.filter((e) => e.index > this.floor) : allEntries;
    if (entries.length === 0 && !hardState) return Promise.resolve();
    const first = entries.length > 0 ? entries[0]!.index : 0;
    const last = this.floor + this.terms.length;
    // Bad input is refused before anything changes: the log's bookkeeping, the next write
    // and the staging buffer stay as they were.
    let size = 0;
    for (let i = 0; i < entries.length; i++) {
      const problem = entryProblem(entries[i]!, first + i);
      if (problem) return Promise.reject(new StorageUsageError(`save: entry ${i + 1} of ${entries.length}: ${problem}`));
      size += entryEncodedSize(entries[i]!);
    }
    if (entries.length > 0 && first > last + 1) {
      return Promise.reject(new WalCorruptionError(this.walDir, 0, `append at ${first} would leave a gap after ${last}`));
    }
    const hardProblem = hardState && hardStateProblem(hardState);
    if (hardProblem) return Promise.reject(new StorageUsageError(`save: ${hardProblem}`));
    const at = size > 0 ? this.staging.reserve(size) : 0;
    const buf = this.staging.region;
    let off = at;
    for (const e of entries) off += encodeEntryInto(e, buf, off);
    const batch = this.nextBatch();
    if (entries.length > 0) {
      if (first <= last) {
        // A conflicting suffix is replaced: the truncation is itself a durable record.
        batch.addChunk(encodeTruncate(first, this.framing));
        this.terms.length = Math.max(0, first - this.floor - 1);
      }
      for (const e of entries) this.terms.push(e.term);
      batch.addEntries(buf, at, size);
      const maxEntryIndex = entries[entries.length - 1]!.index;
      if (maxEntryIndex > batch.maxEntryIndex) batch.maxEntryIndex = maxEntryIndex;
    }
    if (hardState) {
      batch.addChunk(encodeHardState(hardState, this.framing));
      batch.hard = hardState;
    }
    return batch.done;
  }

  /** Queues records of their own (markers, truncations) for the next durable write. */
  private enqueue(chunks: readonly Buffer[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const batch = this.nextBatch();
    for (const c of chunks) batch.addChunk(c);
    return batch.done;
  }

  /** The batch the next durable write takes, starting the write loop if it is idle. */
  private nextBatch(): WriteBatch {
    if (this.next) return this.next;
    const batch = new WriteBatch(this.framing);
    this.next = batch;
    if (!this.flushing) {
      // The first write starts one microtask later, not inside this call: when a durable
      // write returns, its callers' continuations (which queue the next appends) run as
      // microtasks, and starting at once would write the first of them alone and leave the
      // rest for the following sync (alternating batches of 1 and n−1).
      this.flushing = true;
      queueMicrotask(() => void this.flush());
    }
    return batch;
  }

  /**
   * Group commit: everything queued while the previous write ran is written together, as
   * one durable write. Runs while `flushing` is set (by `nextBatch`), and clears it when
   * nothing is left.
   */
  private async flush(): Promise<void> {
    for (let batch = this.takeNext(); batch; batch = this.takeNext()) {
      this.staging.startWrite();
      try {
        if (this.failure) throw this.failure;
        const bytes = batch.bytes;
        let active = this.segments[this.segments.length - 1]!;
        if (active.size > 0 && active.size + bytes > this.segmentBytes) {
          await this.startSegment(active.seq + 1);
          active = this.segments[this.segments.length - 1]!;
        }
        const chunks = batch.take(this.framing);
        // The records must not overlap zeros still being written past the end of the file.
        if (this.extending && active.size + bytes > this.activeFileBytes) await this.extending;
        if (this.failure) throw this.failure;
        await this.fs.writeDurable(this.activeFd!, chunks, active.size);
        active.size += bytes;
        this.averageWriteBytes += (bytes - this.averageWriteBytes) / 8;
        this.activeFileBytes = Math.max(this.activeFileBytes, active.size);
        this.preallocate(active);
        if (batch.maxEntryIndex > active.maxEntryIndex) active.maxEntryIndex = batch.maxEntryIndex;
        if (batch.hard) this.writtenHardState = batch.hard;
        batch.resolve();
      } catch (e) {
        this.failure = ioError('append', e);
        batch.reject(this.failure);
        this.takeNext()?.reject(this.failure);
      }
    }
    this.flushing = false;
  }

  /** Takes the queued batch (saves that arrived while the last write ran), if any. */
  private takeNext(): WriteBatch | null {
    const batch = this.next;
    this.next = null;
    return batch;
  }

  /**
   * Starts zero-filling the next step past the end of the active segment file once fewer
   * than half a step of zeros is left ahead of the records. Writes of records wait for it
   * only if they would reach past the current end of the file.
   */
  private preallocate(active: SegmentInfo): void {
    if (this.preallocateBytes <= 0 || this.extending || this.failure) return;
    if (this.averageWriteBytes >= PREALLOCATE_BELOW_AVERAGE_WRITE) return;
    if (this.activeFileBytes - active.size >= this.preallocateBytes / 2) return;
    const n = Math.min(this.preallocateBytes, this.segmentBytes - this.activeFileBytes);
    if (n <= 0) return;
    const at = this.activeFileBytes;
    this.extending = this.fs
      .zeroFill(this.activeFd!, at, n)
      .then(() => void (this.activeFileBytes = Math.max(this.activeFileBytes, at + n)))
      .catch((e: unknown) => void (this.failure ??= ioError('preallocate', e)))
      .finally(() => void (this.extending = null));
  }

  /**
   * Opens segment `seq` — a spare file renamed, if there is one, else a new file — and
   * durably writes its head (preamble, current hard state and snapshot marker), so deleting
   * older segments never loses the latest of either. Records queued from here on are
   * encoded for it.
   */
  private async startSegment(seq: number): Promise<void> {
    const path = join(this.walDir, segmentName(seq));
    this.framing = segmentFraming(seq);
    try {
      // Every write on the previous segment's descriptor was durable when it returned.
      if (this.extending) await this.extending;
      if (this.activeFd !== null) await this.fs.close(this.activeFd);
      this.activeFd = null;
      const spare = this.spares.pop();
      // Renamed before its new preamble lands: a crash in between leaves a final segment whose
      // preamble is not its own, which recovery takes for one without a head.
      if (spare !== undefined) await this.fs.rename(spare, path);
      this.activeFd = await this.fs.openDurable(path);
      const fileBytes = spare === undefined ? 0 : await this.fs.size(path);
      this.activeFileBytes = fileBytes;
      const segment: SegmentInfo = { seq, path, format: 2, size: 0, fileBytes, maxEntryIndex: 0 };
      this.segments.push(segment);
      await this.writeHead(segment);
      // No record goes into the segment before its name is durable: a lost rename would
      // otherwise take acknowledged records with it.
      await this.fs.syncDir(this.walDir);
    } catch (e) {
      throw ioError('new segment', e);
    }
    this.preallocate(this.segments[this.segments.length - 1]!);
  }

  /**
   * Durably writes the head (preamble, hard state, compaction floor) at the start of the
   * active segment, whose framing callers have made `this.framing`.
   */
  private async writeHead(segment: SegmentInfo): Promise<void> {
    const prev = this.segments[this.segments.indexOf(segment) - 1];
    const framing = this.framing;
    if (framing.seq !== segment.seq) throw new StorageUsageError(`segment ${segment.seq} is not the active segment (${framing.seq})`);
    const head = [
      encodeSegmentPreamble({ seq: segment.seq, prevRecordsEnd: prev?.size ?? 0 }),
      encodeHardState(this.writtenHardState, framing),
      encodeSnapshotMarker(this.floor, this.snapshots.meta()?.term ?? 0, framing),
    ];
    try {
      await this.fs.writeDurable(this.activeFd!, head, 0);
    } catch (e) {
      throw ioError('segment head', e);
    }
    segment.format = 2;
    segment.size = head.reduce((n, b) => n + b.length, 0);
    this.activeFileBytes = Math.max(this.activeFileBytes, segment.size);
  }

  // ───────────── snapshots ─────────────

  writeSnapshotChunk(chunk: IncomingSnapshotChunk): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return this.snapshots.writeChunk(chunk);
  }

  async installSnapshot(meta: SnapshotMeta): Promise<void> {
    await this.snapshots.completeReceived(meta);
    // Receiver rules: keep the suffix only if our entry at meta.index has meta.term.
    const keep = meta.index <= this.floor + this.terms.length && this.termAt(meta.index) === meta.term;
    const marker = encodeSnapshotMarker(meta.index, meta.term, this.framing);
    const records = keep ? [marker] : [encodeTruncate(0, this.framing), marker];
    this.terms = keep ? this.terms.slice(meta.index - this.floor) : [];
    this.floor = meta.index;
    await this.enqueue(records);
    await this.deleteSegmentsThrough(meta.index);
  }

  createSnapshot(meta: SnapshotMeta): Promise<SnapshotWriter> {
    if (this.failure) return Promise.reject(this.failure);
    return this.snapshots.create(meta);
  }

  async openSnapshot(): Promise<SnapshotReader | null> {
    return this.snapshots.reader();
  }

  async compact(index: number): Promise<void> {
    const snap = this.snapshots.meta();
    if (!snap || index > snap.index) throw new WalCorruptionError(this.walDir, 0, `cannot compact to ${index} beyond the current snapshot ${snap?.index ?? 0}`);
    if (index <= this.floor) return;
    this.terms = this.terms.slice(index - this.floor);
    this.floor = index;
    await this.enqueue([encodeSnapshotMarker(index, snap.term, this.framing)]);
    await this.deleteSegmentsThrough(index);
  }

  /**
   * Removes the oldest segments whose entries are all ≤ index (never the active one): kept as
   * spares while there are fewer than `recycleSegments`, else deleted. Only format-2 files
   * are kept: a spare is renamed into place before its new preamble is written, and a
   * format-1 file there would read as that segment's records.
   */
  private async deleteSegmentsThrough(index: number): Promise<void> {
    while (this.segments.length > 1 && this.segments[0]!.maxEntryIndex <= index) {
      const seg = this.segments.shift()!;
      try {
        if (seg.format === 2 && this.spares.length < this.recycleSegments) {
          const spare = join(this.walDir, spareName(seg.seq));
          await this.fs.rename(seg.path, spare);
          this.spares.push(spare);
        } else await this.fs.unlink(seg.path);
      } catch (e) {
        throw ioError('delete segment', e);
      }
    }
    await this.fs.syncDir(this.walDir).catch((e: unknown) => {
      throw ioError('sync wal dir', e);
    });
  }

  private termAt(index: number): number | undefined {
    if (index === this.floor) return this.snapshots.meta()?.term;
    return this.terms[index - this.floor - 1];
  }

  // ───────────── SnapshotSource ─────────────

  current(): SnapshotMeta | null {
    return this.snapshots.meta();
  }

  size(meta: SnapshotMeta): number {
    return this.snapshots.size(meta);
  }

  read(meta: SnapshotMeta, offset: number, maxBytes: number): Uint8Array {
    return this.snapshots.read(meta, offset, maxBytes);
  }

  // ───────────── lifecycle ─────────────

  /** Segments currently on disk (for tools and tests). */
  segmentFiles(): string[] {
    return this.segments.map((s) => s.path);
  }

  /** Spare segment files kept for reuse (for tools and tests). */
  spareFiles(): string[] {
    return [...this.spares];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.flushing) await new Promise((r) => setImmediate(r));
    if (this.extending) await this.extending;
    if (this.activeFd !== null) await this.fs.close(this.activeFd).catch(() => undefined);
    this.activeFd = null;
    await this.snapshots.close();
  }
}
