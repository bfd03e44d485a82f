import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { IncomingSnapshotChunk, SnapshotMeta, SnapshotReader, SnapshotWriter } from '@raft/raft-core';
import { ioError, StorageUsageError, WalCorruptionError } from './errors';
import type { FileSystem } from './fs-seam';
import {
  decodeSnapshotHeader,
  encodeSnapshotHeader,
  encodeSnapshotTrailer,
  RunningCrc,
  SNAP_END_MAGIC,
  SNAP_RE,
  SNAP_TRAILER_BYTES,
  snapshotName,
} from './snapshot-file';

interface StoredSnapshot {
  readonly meta: SnapshotMeta;
  readonly path: string;
  readonly headerBytes: number;
  readonly size: number;
  /** Kept open so a leader can keep serving chunks even after a newer snapshot replaced this one. */
  fd: number | null;
}

/**
 * By default a snapshot file being written is flushed to the disk every this many bytes
 * (`fdatasync`), as RocksDB's `bytes_per_sync` does. Without it the whole file — tens of MB
 * with a large KV — sat in the page cache until the fsync at commit, and that one flush held
 * the disk for a few hundred ms while every WAL write (and so every commit) waited behind it.
 * In 1 MiB steps a WAL write waits for at most one step.
 */
export const SNAPSHOT_SYNC_BYTES = 1024 * 1024;

/**
 * By default a snapshot file is written at no more than this many bytes per second. Every
 * node of a cluster takes its snapshot at the same applied index, and on one machine (or
 * any shared disk) three unpaced snapshot writes left the WALs' durable writes waiting tens
 * of ms behind them — a commit needs two of those. Paced, a 70 MB snapshot takes ~2 s in
 * the background instead of a few hundred ms at full disk speed.
 */
export const SNAPSHOT_WRITE_BYTES_PER_SECOND = 32 * 1024 * 1024;

/** How snapshot files are written; see {@link SNAPSHOT_SYNC_BYTES} and {@link SNAPSHOT_WRITE_BYTES_PER_SECOND}. */
export interface SnapshotWritePolicy {
  /** Flush every this many bytes; 0 = only at commit. */
  readonly syncBytes: number;
  /** Pace writes to at most this rate; 0 = as fast as the disk takes them. */
  readonly bytesPerSecond: number;
  /** Time in ms and a way to wait (a seam for tests). */
  readonly clock: { now(): number; sleep(ms: number): Promise<void> };
}

/** The policy FileStorage uses unless told otherwise. */
export const DEFAULT_SNAPSHOT_WRITE_POLICY: SnapshotWritePolicy = {
  syncBytes: SNAPSHOT_SYNC_BYTES,
  bytesPerSecond: SNAPSHOT_WRITE_BYTES_PER_SECOND,
  clock: { now: () => performance.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
};

/** Shorter waits are not worth a timer. */
const MIN_PACING_SLEEP_MS = 2;

/** An in-progress snapshot file (local or received): header written, data appended, trailer on commit. */
class SnapshotFileWriter implements SnapshotWriter {
  private readonly crc = new RunningCrc();
  written = 0;
  private unsynced = 0;
  private closed = false;
  private readonly startedAt: number;

  constructor(
    private readonly store: SnapshotStore,
    readonly meta: SnapshotMeta,
    private readonly fs: FileSystem,
    private readonly tmpPath: string,
    private readonly fd: number,
    private readonly policy: SnapshotWritePolicy,
  ) {
    this.startedAt = policy.clock.now();
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.closed) throw new StorageUsageError('snapshot writer is closed');
    this.crc.update(chunk);
    try {
      await this.fs.write(this.fd, Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      this.unsynced += chunk.length;
      if (this.policy.syncBytes > 0 && this.unsynced >= this.policy.syncBytes) {
        this.unsynced = 0;
        await this.fs.fdatasync(this.fd);
      }
    } catch (e) {
      throw ioError('snapshot write', e);
    }
    this.written += chunk.length;
    await this.pace();
  }

  /** Waits until the bytes written so far are within the policy's rate. */
  private async pace(): Promise<void> {
    const { bytesPerSecond, clock } = this.policy;
    if (bytesPerSecond <= 0) return;
    const wait = this.startedAt + (this.written * 1000) / bytesPerSecond - clock.now();
    if (wait >= MIN_PACING_SLEEP_MS) await clock.sleep(wait);
  }

  async commit(): Promise<void> {
    if (this.closed) throw new StorageUsageError('snapshot writer is closed');
    this.closed = true;
    try {
      await this.fs.write(this.fd, encodeSnapshotTrailer(this.crc.value));
      await this.fs.fsync(this.fd);
      await this.fs.close(this.fd);
    } catch (e) {
      throw ioError('snapshot commit', e);
    }
    await this.store.publish(this.tmpPath, this.meta);
  }

  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fs.close(this.fd).catch(() => undefined);
    await this.fs.unlink(this.tmpPath).catch(() => undefined);
  }
}

/**
 * The snapshot directory: at most one current snapshot (the newest complete file), temp
 * files for snapshots being written, and positioned reads for serving chunks.
 */
export class SnapshotStore {
  private current: StoredSnapshot | null = null;
  private previous: StoredSnapshot | null = null;
  private receiving: SnapshotFileWriter | null = null;
  private tmpCounter = 0;

  constructor(
    private readonly fs: FileSystem,
    readonly dir: string,
    private readonly writePolicy: SnapshotWritePolicy = DEFAULT_SNAPSHOT_WRITE_POLICY,
  ) {}

  /** Finds the newest snapshot, verifies it end to end, and removes leftovers. */
  async open(): Promise<SnapshotMeta | null> {
    await this.fs.mkdir(this.dir);
    const names = await this.fs.readdir(this.dir);
    for (const n of names) if (n.endsWith('.tmp')) await this.fs.unlink(join(this.dir, n));
    const snaps = names.filter((n) => SNAP_RE.test(n)).sort();
    const newest = snaps[snaps.length - 1];
    if (!newest) return null;
    const path = join(this.dir, newest);
    const buf = await this.fs.readFile(path);
    let parsed: { meta: SnapshotMeta; headerBytes: number };
    try {
      parsed = decodeSnapshotHeader(buf);
    } catch (e) {
      throw new WalCorruptionError(path, 0, `snapshot header: ${(e as Error).message}`);
    }
    const size = buf.length - parsed.headerBytes - SNAP_TRAILER_BYTES;
    if (size < 0 || buf.readUInt32BE(buf.length - 4) !== SNAP_END_MAGIC) throw new WalCorruptionError(path, buf.length, 'snapshot trailer missing');
    const crc = new RunningCrc();
    crc.update(buf.subarray(parsed.headerBytes, parsed.headerBytes + size));
    if (crc.value !== buf.readUInt32BE(buf.length - 8)) throw new WalCorruptionError(path, parsed.headerBytes, 'snapshot CRC mismatch');
    this.current = { meta: parsed.meta, path, headerBytes: parsed.headerBytes, size, fd: null };
    for (const n of snaps) if (n !== newest) await this.fs.unlink(join(this.dir, n));
    return parsed.meta;
  }

  meta(): SnapshotMeta | null {
    return this.current?.meta ?? null;
  }

  /** Starts a new snapshot file; nothing is visible until `commit`. */
  async create(meta: SnapshotMeta): Promise<SnapshotFileWriter> {
    const tmp = join(this.dir, `${snapshotName(meta)}.${++this.tmpCounter}.tmp`);
    try {
      const fd = await this.fs.openAppend(tmp);
      await this.fs.write(fd, encodeSnapshotHeader(meta));
      return new SnapshotFileWriter(this, meta, this.fs, tmp, fd, this.writePolicy);
    } catch (e) {
      throw ioError('snapshot create', e);
    }
  }

  /** Appends a received InstallSnapshot chunk (offset 0 starts a new transfer). */
  async writeChunk(chunk: IncomingSnapshotChunk): Promise<void> {
    if (chunk.offset === 0) {
      await this.receiving?.abort();
      this.receiving = await this.create(chunk.meta);
    }
    const w = this.receiving;
    if (!w || w.meta.index !== chunk.meta.index || w.meta.term !== chunk.meta.term || w.written !== chunk.offset) {
      throw new StorageUsageError(`snapshot chunk at offset ${chunk.offset} does not continue the transfer in progress`);
    }
    await w.write(chunk.data);
  }

  /** Completes the received snapshot `meta` (durably) and makes it current. */
  async completeReceived(meta: SnapshotMeta): Promise<void> {
    const w = this.receiving;
    if (!w || w.meta.index !== meta.index || w.meta.term !== meta.term) throw new StorageUsageError(`no received snapshot ${meta.index}/${meta.term} to install`);
    this.receiving = null;
    await w.commit();
  }

  /** Renames a complete temp file into place (fsync'd dir), then retires the old snapshot. */
  async publish(tmpPath: string, meta: SnapshotMeta): Promise<void> {
    // A newer snapshot (e.g. installed from the leader) won the race: this one is obsolete,
    // and making it current would replace state the log no longer covers.
    if (this.current !== null && this.current.meta.index > meta.index) {
      await this.fs.unlink(tmpPath).catch(() => undefined);
      return;
    }
    const path = join(this.dir, snapshotName(meta));
    try {
      await this.fs.rename(tmpPath, path);
      await this.fs.syncDir(this.dir);
    } catch (e) {
      throw ioError('snapshot publish', e);
    }
    const size = (await this.fs.size(path)) - encodeSnapshotHeader(meta).length - SNAP_TRAILER_BYTES;
    const old = this.current;
    this.current = { meta, path, headerBytes: encodeSnapshotHeader(meta).length, size, fd: null };
    if (this.previous?.fd != null) await this.fs.close(this.previous.fd).catch(() => undefined);
    this.previous = old;
    // Only now that the new one is complete and durable does the old file go.
    if (old && old.path !== path) await this.fs.unlink(old.path).catch(() => undefined);
  }

  private find(meta: SnapshotMeta): StoredSnapshot {
    for (const s of [this.current, this.previous]) if (s && s.meta.index === meta.index && s.meta.term === meta.term) return s;
    throw new StorageUsageError(`snapshot ${meta.index}/${meta.term} is not available`);
  }

  size(meta: SnapshotMeta): number {
    return this.find(meta).size;
  }

  /** Positioned synchronous read of up to `maxBytes` data bytes at `offset`. */
  read(meta: SnapshotMeta, offset: number, maxBytes: number): Uint8Array {
    const s = this.find(meta);
    if (s.fd === null) s.fd = this.fs.openReadSync(s.path);
    const n = Math.max(0, Math.min(maxBytes, s.size - offset));
    const buf = Buffer.allocUnsafe(n);
    const got = this.fs.readSync(s.fd, buf, s.headerBytes + offset);
    return buf.subarray(0, got);
  }

  /** Streams the current snapshot's data. */
  reader(): SnapshotReader | null {
    const s = this.current;
    if (!s) return null;
    return {
      meta: s.meta,
      size: s.size,
      async *chunks(chunkBytes = 1 << 20) {
        if (s.size === 0) return;
        const stream = createReadStream(s.path, { start: s.headerBytes, end: s.headerBytes + s.size - 1, highWaterMark: chunkBytes });
        for await (const chunk of stream) yield chunk as Buffer;
      },
    };
  }

  async close(): Promise<void> {
    await this.receiving?.abort();
    for (const s of [this.current, this.previous]) if (s?.fd != null) await this.fs.close(s.fd).catch(() => undefined);
  }
}
