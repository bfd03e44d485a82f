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

/** A snapshot view was misused (opened twice, or read after the store was replaced). */
export class SnapshotViewError extends Error {
  override readonly name = 'SnapshotViewError';
}

/**
 * The store as it was when {@link KvStore.capture} was called, readable while the store
 * keeps changing. Copy-on-write: the view holds the captured key list (references, not
 * values); the store preserves the old value of a key only when it changes while the view
 * is open. Memory beyond the key list is proportional to what changes during the write.
 */
export class StoreView {
  private closed = false;

  /** @internal Built by {@link KvStore.capture}. */
  constructor(
    /** Revision at capture. */
    readonly revision: number,
    /** The keys that existed at capture, in the store's (deterministic) insertion order. */
    private readonly keys: readonly string[],
    private readonly current: (key: string) => KeyValue | undefined,
    private readonly preserved: ReadonlyMap<string, KeyValue>,
    private readonly onRelease: (view: StoreView) => void,
  ) {}

  /** Number of keys at capture. */
  get size(): number {
    return this.keys.length;
  }

  /** The captured entries, in insertion order. @throws SnapshotViewError once released. */
  *entries(): IterableIterator<[string, KeyValue]> {
    for (const k of this.keys) {
      if (this.closed) throw new SnapshotViewError('snapshot view read after it was released or the store was replaced');
      const kv = this.preserved.get(k) ?? this.current(k);
      if (kv === undefined) throw new SnapshotViewError(`captured key ${k} lost its value`);
      yield [k, kv];
    }
  }

  /** Ends the view; the store stops preserving old values for it. Idempotent. */
  release(): void {
    if (this.closed) return;
    this.closed = true;
    this.onRelease(this);
  }

  /** @internal The store was cleared: the view cannot be read any more. */
  invalidate(): void {
    this.closed = true;
  }
}

/**
 * The KV data itself: a map plus a global revision bumped by every change. Pure and
 * deterministic; every mutator returns the change it made (or null) so the caller can
 * publish it to watchers. One point-in-time {@link StoreView} at a time can be open (for a
 * snapshot being written in the background).
 */
export class KvStore {
  private readonly data = new Map<string, KeyValue>();
  revision = 0;
  /** Values at capture of the keys changed since, while a view is open. */
  private preserved: Map<string, KeyValue> | null = null;
  private view: StoreView | null = null;

  get(key: string): KeyValue | undefined {
    return this.data.get(key);
  }

  size(): number {
    return this.data.size;
  }

  put(key: string, value: string): ChangeEvent {
    const prev = this.data.get(key);
    // Only values that existed at capture matter; a key created since is not in the view.
    if (prev !== undefined && this.preserved !== null && !this.preserved.has(key)) this.preserved.set(key, prev);
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
    if (this.preserved !== null && !this.preserved.has(key)) this.preserved.set(key, prev);
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

  /**
   * Opens a point-in-time view of the store (O(keys) to list them, no values copied).
   * @throws SnapshotViewError if a view is already open.
   */
  capture(): StoreView {
    if (this.view !== null) throw new SnapshotViewError('a snapshot view is already open');
    const preserved = new Map<string, KeyValue>();
    const view = new StoreView(this.revision, [...this.data.keys()], (k) => this.data.get(k), preserved, (v) => {
      if (this.view !== v) return;
      this.view = null;
      this.preserved = null;
    });
    this.view = view;
    this.preserved = preserved;
    return view;
  }

  /** Loads one entry while restoring a snapshot. */
  load(key: string, kv: KeyValue): void {
    this.data.set(key, kv);
  }

  /** Empties the store; an open view becomes unreadable (its state is gone). */
  clear(): void {
    this.view?.invalidate();
    this.view = null;
    this.preserved = null;
    this.data.clear();
    this.revision = 0;
  }
}
