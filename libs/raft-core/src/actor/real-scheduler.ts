import { InvalidActorOptionError } from './errors';
import type { Cancel, Scheduler } from './scheduler';

/** Options of {@link RealScheduler}. */
export interface RealSchedulerOptions {
  /**
   * When true, pending timers do not keep the Node process alive (`timer.unref()`), so a
   * server can exit once its sockets close even if actors still have timers armed.
   */
  readonly unref?: boolean;
}

/** A {@link Scheduler} on Node's real timers and the monotonic `performance.now()` clock. */
export class RealScheduler implements Scheduler {
  private readonly unref: boolean;

  constructor(options: RealSchedulerOptions = {}) {
    this.unref = options.unref ?? false;
  }

  now(): number {
    return performance.now();
  }

  schedule(delayMs: number, fn: () => void): Cancel {
    checkDelay(delayMs, true);
    const handle = setTimeout(fn, delayMs);
    if (this.unref) handle.unref();
    return () => clearTimeout(handle);
  }

  scheduleRepeating(intervalMs: number, fn: () => void): Cancel {
    checkDelay(intervalMs, false);
    const handle = setInterval(fn, intervalMs);
    if (this.unref) handle.unref();
    return () => clearInterval(handle);
  }
}

/** Rejects NaN, infinities, negative delays and (for intervals) zero (shared by both schedulers). */
export function checkDelay(ms: number, allowZero: boolean): void {
  const ok = Number.isFinite(ms) && (allowZero ? ms >= 0 : ms > 0);
  if (!ok) {
    throw new InvalidActorOptionError(`timer delay must be a finite number ${allowZero ? '≥ 0' : '> 0'}, got ${ms}`);
  }
}
