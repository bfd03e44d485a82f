import { acquireByPolling } from '../core/acquire-by-polling';
import { type Clock, readClock, type Sleep, systemClock, systemSleep } from '../core/clock';
import type { Decision } from '../core/decision';
import type { AcquireOptions, RateLimiter } from '../core/rate-limiter';
import { requireCost, requireKey } from '../core/validate';

/** Options shared by every in-memory limiter. */
export interface MemoryLimiterOptions {
  /** Milliseconds; default `Date.now`. Inject a fake clock for deterministic tests. */
  readonly clock?: Clock;
  /** Used by `acquire` to wait; default real timers. Inject one that advances a fake clock. */
  readonly sleep?: Sleep;
}

/** A per-key state plus the time at which it becomes indistinguishable from a fresh key. */
interface Entry<S> {
  state: S;
  idleAt: number;
}

/**
 * Shared machinery for in-memory limiters: validation, the per-key state map with
 * amortized eviction of idle keys, polling `acquire` and `reset`. Subclasses implement the
 * algorithm as a synchronous `decide` on a state and an integer `now`, so a decision is
 * atomic with respect to other callers in this process.
 */
export abstract class MemoryLimiterBase<S> implements RateLimiter {
  protected readonly clock: Clock;
  protected readonly sleep: Sleep;
  private readonly entries = new Map<string, Entry<S>>();
  private callsSinceSweep = 0;

  protected constructor(
    /** `RateLimit-Limit`. */
    readonly limit: number,
    /** The largest admissible `n`. */
    protected readonly maxCost: number,
    options: MemoryLimiterOptions | undefined,
  ) {
    this.clock = options?.clock ?? systemClock;
    this.sleep = options?.sleep ?? systemSleep;
  }

  /** @inheritdoc */
  async tryAcquire(key: string, n = 1): Promise<Decision> {
    return this.tryAcquireNow(key, n);
  }

  /** @inheritdoc */
  async acquire(key: string, n = 1, options?: AcquireOptions): Promise<void> {
    requireKey(key);
    requireCost(n, this.maxCost);
    return acquireByPolling(async () => this.tryAcquireNow(key, n), this.sleep, () => readClock(this.clock), options);
  }

  /** @inheritdoc */
  async reset(key: string): Promise<void> {
    this.entries.delete(requireKey(key));
  }

  /** Number of keys currently holding state (idle keys are evicted lazily). */
  get size(): number {
    return this.entries.size;
  }

  /** Synchronous core of `tryAcquire` (validation, state lookup, decision, bookkeeping). */
  protected tryAcquireNow(key: string, n: number): Decision {
    requireKey(key);
    requireCost(n, this.maxCost);
    const now = readClock(this.clock);
    // withState inlined: no closure per call on the hot path.
    const entry = this.entryAt(key, now);
    const decision = this.decide(entry.state, n, now);
    this.touched(entry, now);
    return decision;
  }

  /**
   * Runs `fn` on the key's state (fresh if absent or idle), then records when the state
   * becomes idle so that the sweep can drop it.
   */
  protected withState<R>(key: string, now: number, fn: (state: S) => R): R {
    const entry = this.entryAt(key, now);
    const result = fn(entry.state);
    this.touched(entry, now);
    return result;
  }

  /** The key's entry, replaced by a fresh one if absent or idle at `now`. */
  private entryAt(key: string, now: number): Entry<S> {
    let entry = this.entries.get(key);
    if (entry === undefined || entry.idleAt <= now) {
      entry = { state: this.initialState(now), idleAt: now };
      this.entries.set(key, entry);
    }
    return entry;
  }

  /** Records when the entry's state becomes idle, and sweeps now and then. */
  private touched(entry: Entry<S>, now: number): void {
    entry.idleAt = this.idleAt(entry.state, now);
    this.maybeSweep(now);
  }

  /** The state of a key never seen (or idle) at `now`. */
  protected abstract initialState(now: number): S;
  /** Applies the algorithm for `n` units at `now`, mutating `state`. */
  protected abstract decide(state: S, n: number, now: number): Decision;
  /** The earliest time at which `state` is equivalent to {@link initialState}. */
  protected abstract idleAt(state: S, now: number): number;

  // Sweeps every max(1024, size) calls so eviction costs O(1) amortized per call.
  private maybeSweep(now: number): void {
    this.callsSinceSweep += 1;
    if (this.callsSinceSweep < 1024 || this.callsSinceSweep < this.entries.size) return;
    this.callsSinceSweep = 0;
    for (const [key, entry] of this.entries) {
      if (entry.idleAt <= now) this.entries.delete(key);
    }
  }
}
