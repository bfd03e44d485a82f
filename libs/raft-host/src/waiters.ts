import type { Cancel, Scheduler } from '@raft/raft-core';

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
  cancelTimer: Cancel;
}

/** A pending wait: its promise, and a way to fail just this one. */
export interface PendingWait<T> {
  readonly promise: Promise<T>;
  reject(error: unknown): void;
}

/**
 * Callers waiting for commands to be applied, by command key. Several callers may wait on
 * one key (a client retrying with the same ids); all get the same result.
 */
export class ProposalWaiters<R> {
  private readonly byKey = new Map<string, Set<Waiter<R>>>();

  wait(key: string, timeoutMs: number, scheduler: Scheduler, onTimeout: () => Error): PendingWait<R> {
    let waiter!: Waiter<R>;
    const promise = new Promise<R>((resolve, reject) => {
      waiter = { resolve, reject, cancelTimer: () => undefined };
    });
    const remove = (): void => {
      const set = this.byKey.get(key);
      set?.delete(waiter);
      if (set?.size === 0) this.byKey.delete(key);
    };
    waiter.cancelTimer = scheduler.schedule(timeoutMs, () => {
      remove();
      waiter.reject(onTimeout());
    });
    let set = this.byKey.get(key);
    if (!set) this.byKey.set(key, (set = new Set()));
    set.add(waiter);
    return {
      promise,
      reject: (error: unknown): void => {
        remove();
        waiter.cancelTimer();
        waiter.reject(error);
      },
    };
  }

  resolveKey(key: string, result: R): void {
    const set = this.byKey.get(key);
    if (!set) return;
    this.byKey.delete(key);
    for (const w of set) {
      w.cancelTimer();
      w.resolve(result);
    }
  }

  rejectAll(error: unknown): void {
    for (const set of this.byKey.values()) {
      for (const w of set) {
        w.cancelTimer();
        w.reject(error);
      }
    }
    this.byKey.clear();
  }

  size(): number {
    let n = 0;
    for (const s of this.byKey.values()) n += s.size;
    return n;
  }
}

/**
 * Reads waiting for the kernel to confirm a read index (by ctx), and then for the state
 * machine to apply up to it.
 */
export class ReadWaiters {
  private readonly byCtx = new Map<string, Waiter<void>>();
  /** Confirmed reads waiting for apply, ordered by index. */
  private confirmed: { index: number; waiter: Waiter<void> }[] = [];

  wait(ctx: string, timeoutMs: number, scheduler: Scheduler, onTimeout: () => Error): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter<void> = { resolve, reject, cancelTimer: () => undefined };
      waiter.cancelTimer = scheduler.schedule(timeoutMs, () => {
        this.byCtx.delete(ctx);
        this.confirmed = this.confirmed.filter((c) => c.waiter !== waiter);
        reject(onTimeout());
      });
      this.byCtx.set(ctx, waiter);
    });
  }

  /** The kernel confirmed the read: it may be served once applied ≥ index. */
  ready(ctx: string, index: number): void {
    const w = this.byCtx.get(ctx);
    if (!w) return;
    this.byCtx.delete(ctx);
    let i = this.confirmed.length;
    while (i > 0 && this.confirmed[i - 1]!.index > index) i--;
    this.confirmed.splice(i, 0, { index, waiter: w });
  }

  fail(ctx: string, error: Error): void {
    const w = this.byCtx.get(ctx);
    if (!w) return;
    this.byCtx.delete(ctx);
    w.cancelTimer();
    w.reject(error);
  }

  /** Serves every confirmed read whose index is applied. */
  release(applied: number): void {
    let n = 0;
    while (n < this.confirmed.length && this.confirmed[n]!.index <= applied) {
      const w = this.confirmed[n]!.waiter;
      w.cancelTimer();
      w.resolve();
      n++;
    }
    if (n > 0) this.confirmed = this.confirmed.slice(n);
  }

  rejectAll(error: unknown): void {
    for (const w of this.byCtx.values()) {
      w.cancelTimer();
      w.reject(error);
    }
    for (const c of this.confirmed) {
      c.waiter.cancelTimer();
      c.waiter.reject(error);
    }
    this.byCtx.clear();
    this.confirmed = [];
  }
}
