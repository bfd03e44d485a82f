import type { ChangeEvent } from './watch-hub';

/** A stored value with etcd-style revision bookkeeping. */
export interface KeyValue {
  readonly value: string;
  /** Revision of the change that created this key (since its last deletion). */
  readonly createRevision: number;
  /** Revision of the last change to this key. */
  readonly modRevision: number;
  /** Number of changes since creation. */
  readonly version: number;
}

/**
 * The KV data itself: a map plus a global revision bumped by every change. Pure and
 * deterministic; every mutator returns the change it made (or null) so the caller can
 * publish it to watchers.
 */
export class KvStore {
  private readonly data = new Map<string, KeyValue>();
  revision = 0;

  get(key: string): KeyValue | undefined {
    return this.data.get(key);
  }

  size(): number {
    return this.data.size;
  }

  put(key: string, value: string): ChangeEvent {
    const prev = this.data.get(key);
    const revision = ++this.revision;
    this.data.set(key, {
      value,
      createRevision: prev?.createRevision ?? revision,
      modRevision: revision,
      version: (prev?.version ?? 0) + 1,
    });
    return prev === undefined ? { revision, type: 'put', key, value } : { revision, type: 'put', key, value, prevValue: prev.value };
  }

  delete(key: string): ChangeEvent | null {
    const prev = this.data.get(key);
    if (!prev) return null;
    this.data.delete(key);
    return { revision: ++this.revision, type: 'delete', key, prevValue: prev.value };
  }

  /** Keys starting with `prefix`, in key order. */
  range(prefix: string): [string, KeyValue][] {
    const out: [string, KeyValue][] = [];
    for (const [k, v] of this.data) if (k.startsWith(prefix)) out.push([k, v]);
    return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  /** Entries in key order, for snapshots and checksums. */
  *entries(): IterableIterator<[string, KeyValue]> {
    const keys = [...this.data.keys()].sort();
    for (const k of keys) yield [k, this.data.get(k)!];
  }

  /** Loads one entry while restoring a snapshot. */
  load(key: string, kv: KeyValue): void {
    this.data.set(key, kv);
  }

  clear(): void {
    this.data.clear();
    this.revision = 0;
  }
}
