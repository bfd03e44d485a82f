/** One change to the KV, in revision order. */
export interface ChangeEvent {
  readonly revision: number;
  readonly type: 'put' | 'delete';
  readonly key: string;
  readonly value?: string;
  readonly prevValue?: string;
}

/** Thrown when a watcher asks for history that is no longer retained. */
export class HistoryCompactedError extends Error {
  readonly code = 'HISTORY_COMPACTED';
  constructor(
    readonly requested: number,
    readonly oldest: number,
  ) {
    super(`revision ${requested} is compacted; history starts after revision ${oldest}`);
  }
}

export interface Watcher {
  readonly prefix: string;
  readonly onEvent: (e: ChangeEvent) => void;
}

/**
 * Recent change history (bounded) and live subscribers. A watcher starting at revision r
 * first receives retained events with revision > r, then live ones, with nothing missed or
 * repeated in between because both happen synchronously on the applying thread.
 */
export class WatchHub {
  private history: ChangeEvent[] = [];
  /** Events with revision ≤ this are not retained. */
  private compactedThrough: number;
  private readonly watchers = new Set<Watcher>();

  constructor(
    private readonly retain: number,
    startRevision = 0,
  ) {
    this.compactedThrough = startRevision;
  }

  /** Forgets all history (after restoring a snapshot at `revision`). */
  resetTo(revision: number): void {
    this.history = [];
    this.compactedThrough = revision;
  }

  publish(e: ChangeEvent): void {
    this.history.push(e);
    if (this.history.length > this.retain * 2) {
      const drop = this.history.length - this.retain;
      this.compactedThrough = this.history[drop - 1]!.revision;
      this.history = this.history.slice(drop);
    }
    for (const w of this.watchers) if (e.key.startsWith(w.prefix)) w.onEvent(e);
  }

  /**
   * Subscribes to changes under `prefix` after `fromRevision`; replays retained history
   * first. Returns an unsubscribe function. Throws {@link HistoryCompactedError}.
   */
  watch(prefix: string, fromRevision: number, onEvent: (e: ChangeEvent) => void): () => void {
    if (fromRevision < this.compactedThrough) throw new HistoryCompactedError(fromRevision, this.compactedThrough);
    for (const e of this.history) if (e.revision > fromRevision && e.key.startsWith(prefix)) onEvent(e);
    const w: Watcher = { prefix, onEvent };
    this.watchers.add(w);
    return () => this.watchers.delete(w);
  }

  watcherCount(): number {
    return this.watchers.size;
  }
}
