import type { IncomingSnapshotChunk, SnapshotMeta } from '@raft/raft-core';
import { StorageContractError } from './errors';

/** A complete snapshot: its metadata and the state machine's bytes. */
export interface StoredSnapshot {
  readonly meta: SnapshotMeta;
  readonly data: Uint8Array;
}

/** How many superseded snapshots stay readable, so transfers already under way can finish. */
const RETAINED_SNAPSHOTS = 3;

/**
 * Durable snapshots of one server: the current one, a few superseded ones still readable
 * by in-flight InstallSnapshot transfers, and a partially received incoming snapshot.
 */
export class MemorySnapshotStore {
  private snapshots: StoredSnapshot[] = [];
  private incoming: { meta: SnapshotMeta; chunks: Uint8Array[]; size: number } | null = null;

  current(): StoredSnapshot | null {
    return this.snapshots[this.snapshots.length - 1] ?? null;
  }

  /** Makes a complete snapshot current. */
  store(snapshot: StoredSnapshot): void {
    const cur = this.current();
    if (cur && snapshot.meta.index < cur.meta.index) {
      throw new StorageContractError(`snapshot at ${snapshot.meta.index} is older than current ${cur.meta.index}`);
    }
    this.snapshots.push(snapshot);
    if (this.snapshots.length > RETAINED_SNAPSHOTS) this.snapshots.shift();
  }

  /** Finds a retained snapshot by its metadata; throws if it is gone (the caller holds a stale handle). */
  find(meta: SnapshotMeta): StoredSnapshot {
    for (let k = this.snapshots.length - 1; k >= 0; k--) {
      const s = this.snapshots[k]!;
      if (s.meta.index === meta.index && s.meta.term === meta.term) return s;
    }
    throw new StorageContractError(`snapshot ${meta.index}/${meta.term} is no longer stored`);
  }

  /** Appends a received chunk. A chunk at offset 0 starts a new incoming snapshot. */
  writeChunk(chunk: IncomingSnapshotChunk): void {
    if (chunk.offset === 0) this.incoming = { meta: chunk.meta, chunks: [], size: 0 };
    const inc = this.incoming;
    if (!inc || inc.meta.index !== chunk.meta.index || inc.meta.term !== chunk.meta.term || inc.size !== chunk.offset) {
      throw new StorageContractError(`snapshot chunk at offset ${chunk.offset} does not continue the incoming snapshot`);
    }
    inc.chunks.push(chunk.data);
    inc.size += chunk.data.length;
  }

  /** Completes the incoming snapshot `meta` and makes it current; returns it. */
  completeIncoming(meta: SnapshotMeta): StoredSnapshot {
    const inc = this.incoming;
    if (!inc || inc.meta.index !== meta.index || inc.meta.term !== meta.term) {
      throw new StorageContractError(`no fully received snapshot ${meta.index}/${meta.term} to install`);
    }
    const data = new Uint8Array(inc.size);
    let offset = 0;
    for (const c of inc.chunks) {
      data.set(c, offset);
      offset += c.length;
    }
    this.incoming = null;
    const snapshot = { meta, data };
    this.store(snapshot);
    return snapshot;
  }
}
