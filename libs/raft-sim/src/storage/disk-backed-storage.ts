import type { Entry, HardState, IncomingSnapshotChunk, RaftStorage, SnapshotMeta } from '@raft/raft-core';
import { StorageContractError } from './errors';
import type { StoredSnapshot } from './memory-snapshot-store';
import { MemoryStorage, type DurableState } from './memory-storage';

/** What one recovery from the real medium found. */
export interface DiskRecovery {
  readonly lastIndex: number;
  readonly snapshotIndex: number;
}

/**
 * Plugs an asynchronous {@link RaftStorage} (e.g. files) into the synchronous simulator.
 *
 * The simulator keeps reading this object synchronously (it is a {@link MemoryStorage}: the
 * model of what is durable), and every durable operation is also issued, in the same order,
 * to the real storage through one strictly sequential queue. The simulator awaits
 * {@link settle} between ticks, so the real storage always ends up holding exactly what the
 * model says was persisted before a crash. A restart does not trust the model: {@link recover}
 * drops the real storage object, opens a new one on the same medium, `load()`s it, checks
 * it recovered exactly the model's state (entries, hard state, snapshot and its bytes), and
 * replaces the model with what the medium returned — so the restarted kernel runs on what
 * was read back from disk.
 *
 * Sequential issue (each operation awaited before the next starts) also keeps the files
 * themselves deterministic: no group-commit batch boundaries depend on timing.
 */
export class DiskBackedStorage extends MemoryStorage {
  private queue: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  /** False between a start and the next recovery: a restart before recovering is a wiring bug. */
  private mayStart = true;
  /** Operations issued to the real storage so far. */
  operations = 0;
  recoveries = 0;

  private constructor(
    private disk: RaftStorage,
    private readonly openDisk: () => Promise<RaftStorage>,
  ) {
    super();
  }

  /** Opens the real storage (which must be empty) and wraps it. */
  static async create(openDisk: () => Promise<RaftStorage>): Promise<DiskBackedStorage> {
    const disk = await openDisk();
    const state = await disk.load();
    if (state.entries.length > 0 || state.snapshot || state.hardState.term !== 0) throw new StorageContractError('the real storage is not empty');
    return new DiskBackedStorage(disk, openDisk);
  }

  override loadSync(): DurableState {
    if (!this.mayStart) throw new StorageContractError('restarted before the real storage was recovered (settle and recover after a crash)');
    this.mayStart = false;
    return super.loadSync();
  }

  override saveSync(hardState: HardState | null, entries: readonly Entry[]): void {
    super.saveSync(hardState, entries);
    this.issue((d) => d.save(hardState, entries));
  }

  override writeSnapshotChunkSync(chunk: IncomingSnapshotChunk): void {
    super.writeSnapshotChunkSync(chunk);
    this.issue((d) => d.writeSnapshotChunk(chunk));
  }

  override installSnapshotSync(meta: SnapshotMeta): StoredSnapshot {
    const snapshot = super.installSnapshotSync(meta);
    this.issue((d) => d.installSnapshot(meta));
    return snapshot;
  }

  override storeSnapshotSync(meta: SnapshotMeta, data: Uint8Array): void {
    super.storeSnapshotSync(meta, data);
    // The simulator compacts right after storing a snapshot; the real storage does it explicitly.
    this.issue(async (d) => {
      const w = await d.createSnapshot(meta);
      await w.write(data);
      await w.commit();
      await d.compact(meta.index);
    });
  }

  /** True after a start until {@link recover}: a crashed server needs it before restarting. */
  needsRecovery(): boolean {
    return !this.mayStart;
  }

  /** Resolves once every operation issued so far is durable on the real storage. */
  async settle(): Promise<void> {
    await this.queue;
    if (this.failure) throw this.failure;
  }

  /**
   * A crash and restart of the real storage: settles, drops the storage object, reopens the
   * medium, loads it, and requires it to hold exactly what the model says is durable.
   */
  async recover(): Promise<DiskRecovery> {
    await this.settle();
    await this.disk.close();
    this.disk = await this.openDisk();
    const state = await this.disk.load();
    const snapshot = state.snapshot ? { meta: state.snapshot, data: await readSnapshot(this.disk) } : null;
    const diff = difference(super.loadSync(), this.currentSnapshot(), state, snapshot);
    if (diff) throw new StorageContractError(`recovered state differs from what was persisted: ${diff}`);
    // Same values; rebuilt in the kernel's key order so traces (JSON) compare equal to a memory run.
    const { term, vote, commit } = state.hardState;
    this.replaceWith({ ...state, hardState: { term, vote, commit } }, snapshot);
    this.mayStart = true;
    this.recoveries++;
    return { lastIndex: this.lastIndex(), snapshotIndex: this.snapshotIndex() };
  }

  /** Settles and closes the real storage. */
  override async close(): Promise<void> {
    await this.settle();
    await this.disk.close();
  }

  private issue(op: (disk: RaftStorage) => Promise<void>): void {
    this.operations++;
    this.queue = this.queue.then(async () => {
      if (this.failure) return;
      try {
        await op(this.disk);
      } catch (e) {
        this.failure = e;
      }
    });
  }
}

async function readSnapshot(disk: RaftStorage): Promise<Uint8Array> {
  const reader = await disk.openSnapshot();
  if (!reader) throw new StorageContractError('load() reported a snapshot that openSnapshot() does not return');
  const parts: Uint8Array[] = [];
  for await (const c of reader.chunks()) parts.push(c);
  return Buffer.concat(parts);
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
const describe = (e: Entry): string => `${e.index}/${e.term}/${e.type}/${e.data.length}B`;

/** First difference between the model's durable state and a recovered one, or null. */
function difference(model: DurableState, modelSnap: StoredSnapshot | null, got: DurableState, gotSnap: StoredSnapshot | null): string | null {
  const [h, g] = [model.hardState, got.hardState];
  if (h.term !== g.term || h.vote !== g.vote || h.commit !== g.commit) return `hard state ${JSON.stringify(g)}, expected ${JSON.stringify(h)}`;
  const metaOf = (s: StoredSnapshot | null): string => (s ? JSON.stringify([s.meta.index, s.meta.term, s.meta.config]) : 'none');
  if (metaOf(modelSnap) !== metaOf(gotSnap)) return `snapshot ${metaOf(gotSnap)}, expected ${metaOf(modelSnap)}`;
  if (modelSnap && gotSnap && !sameBytes(modelSnap.data, gotSnap.data)) return `snapshot ${gotSnap.meta.index} bytes differ`;
  const n = Math.max(model.entries.length, got.entries.length);
  for (let k = 0; k < n; k++) {
    const a = model.entries[k];
    const b = got.entries[k];
    if (!a || !b || a.index !== b.index || a.term !== b.term || a.type !== b.type || !sameBytes(a.data, b.data)) {
      return `log position ${k}: recovered ${b ? describe(b) : 'nothing'}, expected ${a ? describe(a) : 'nothing'}`;
    }
  }
  return null;
}
