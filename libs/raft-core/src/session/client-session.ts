import type { SessionSnapshot } from './types';

/** How one request of an existing session resolves before anything executes. */
export type Lookup<R> = { readonly kind: 'cached'; readonly result: R } | { readonly kind: 'stale' } | { readonly kind: 'new' };

/**
 * One client's session with sequence-numbered requests. Invariant: every executed sequence
 * ≥ `floor` has its result in `results`, so a sequence ≥ `floor` that is not cached has never
 * run, and one below `floor` might have — it is refused as stale, never re-run.
 */
export class SequenceSession<R> {
  readonly kind = 'seq';
  constructor(
    public lastIndex: number,
    public lastTime: number | null,
    public floor = 1,
    readonly results = new Map<number, R>(),
  ) {}

  /** Discards results the client has acknowledged (all sequences below `firstUnacked`). */
  acknowledge(firstUnacked: number): void {
    if (firstUnacked <= this.floor) return;
    this.floor = firstUnacked;
    for (const seq of [...this.results.keys()]) if (seq < firstUnacked) this.results.delete(seq);
  }

  lookup(seq: number): Lookup<R> {
    if (this.results.has(seq)) return { kind: 'cached', result: this.results.get(seq) as R };
    return seq < this.floor ? { kind: 'stale' } : { kind: 'new' };
  }

  /** Caches a result, then evicts the lowest sequences beyond `limit`, raising the floor past them. */
  record(seq: number, result: R, limit: number): void {
    this.results.set(seq, result);
    while (this.results.size > limit) {
      const lowest = Math.min(...this.results.keys());
      this.results.delete(lowest);
      this.floor = Math.max(this.floor, lowest + 1);
    }
  }

  snapshot(clientId: string): SessionSnapshot<R> {
    return { clientId, kind: 'seq', lastIndex: this.lastIndex, lastTime: this.lastTime, floor: this.floor, results: [...this.results] };
  }
}

/**
 * One client's session with opaque string request ids: the last K results, oldest evicted
 * first. An id older than the last K is indistinguishable from a new one (documented limit).
 */
export class RequestIdSession<R> {
  readonly kind = 'id';
  constructor(
    public lastIndex: number,
    public lastTime: number | null,
    readonly results = new Map<string, R>(),
  ) {}

  lookup(id: string): Lookup<R> {
    return this.results.has(id) ? { kind: 'cached', result: this.results.get(id) as R } : { kind: 'new' };
  }

  record(id: string, result: R, limit: number): void {
    this.results.set(id, result);
    while (this.results.size > limit) this.results.delete(this.results.keys().next().value as string);
  }

  snapshot(clientId: string): SessionSnapshot<R> {
    return { clientId, kind: 'id', lastIndex: this.lastIndex, lastTime: this.lastTime, results: [...this.results] };
  }
}

export type AnySession<R> = SequenceSession<R> | RequestIdSession<R>;
