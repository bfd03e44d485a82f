import { InvalidActorOptionError } from './errors';
import { checkDelay } from './real-scheduler';
import type { Cancel, Scheduler } from './scheduler';
import { TimerQueue, type QueuedTimer } from './timer-queue';

/** Options of {@link VirtualScheduler}. */
export interface VirtualSchedulerOptions {
  /** Virtual time at construction; default 0. */
  readonly startAt?: number;
  /**
   * How `advance`/`runUntilIdle` let the effects of a fired timer settle before the next
   * timer fires. The default waits one `setImmediate` turn, by which point every pending
   * microtask (actor message handling, promise chains) has run. A simulator that never
   * awaits real I/O can rely on this being deterministic.
   */
  readonly settle?: () => Promise<void>;
}

/** Default settle step: one macrotask turn, so all queued microtasks have run. */
function settleMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A {@link Scheduler} on virtual time. Nothing happens until the test or simulator moves
 * time with {@link advance}, {@link advanceSync} or {@link runUntilIdle}; due timers then run
 * one by one in (due time, insertion) order, with `now()` equal to each timer's due time
 * while it runs. Two runs that schedule the same timers see the same sequence of events.
 */
export class VirtualScheduler implements Scheduler {
  private current: number;
  private nextSeq = 0;
  private readonly queue = new TimerQueue();
  private readonly settle: () => Promise<void>;

  constructor(options: VirtualSchedulerOptions = {}) {
    this.current = options.startAt ?? 0;
    this.settle = options.settle ?? settleMicrotasks;
  }

  now(): number {
    return this.current;
  }

  /** Number of timers that have neither fired nor been cancelled. */
  get pendingTimers(): number {
    return this.queue.size;
  }

  /** Due time of the earliest pending timer, or undefined if none. */
  get nextDue(): number | undefined {
    return this.queue.peek()?.due;
  }

  schedule(delayMs: number, fn: () => void): Cancel {
    checkDelay(delayMs, true);
    return this.enqueue(this.current + delayMs, fn);
  }

  scheduleRepeating(intervalMs: number, fn: () => void): Cancel {
    checkDelay(intervalMs, false);
    // The handle follows the repetition chain so one cancel stops all future runs.
    let cancelCurrent: Cancel = () => undefined;
    let cancelled = false;
    const arm = (due: number): void => {
      cancelCurrent = this.enqueue(due, () => {
        arm(due + intervalMs);
        fn();
      });
    };
    arm(this.current + intervalMs);
    return () => {
      if (cancelled) return;
      cancelled = true;
      cancelCurrent();
    };
  }

  /**
   * Moves time forward by `ms`, running every timer due up to the new time (including
   * timers scheduled by those timers), and lets each one's effects settle before the next.
   */
  async advance(ms: number): Promise<void> {
    const target = this.targetAfter(ms);
    await this.settle();
    for (let timer = this.dueBy(target); timer; timer = this.dueBy(target)) {
      this.fire(timer);
      await this.settle();
    }
    this.current = target;
  }

  /** Like {@link advance} but synchronous: timers run back to back with no settling. */
  advanceSync(ms: number): void {
    const target = this.targetAfter(ms);
    for (let timer = this.dueBy(target); timer; timer = this.dueBy(target)) this.fire(timer);
    this.current = target;
  }

  /**
   * Runs timers in order, jumping time to each, until none remain. Stops with an error after
   * `maxTimers` firings so a repeating timer cannot loop forever.
   */
  async runUntilIdle(maxTimers = 100_000): Promise<void> {
    await this.settle();
    for (let fired = 0; this.queue.size > 0; fired++) {
      if (fired >= maxTimers) {
        throw new InvalidActorOptionError(`runUntilIdle: still busy after ${maxTimers} timers (a repeating timer?)`);
      }
      this.fire(this.queue.pop() as QueuedTimer);
      await this.settle();
    }
  }

  private targetAfter(ms: number): number {
    checkDelay(ms, true);
    return this.current + ms;
  }

  private dueBy(target: number): QueuedTimer | undefined {
    const next = this.queue.peek();
    return next && next.due <= target ? this.queue.pop() : undefined;
  }

  private fire(timer: QueuedTimer): void {
    this.current = Math.max(this.current, timer.due);
    timer.fn();
  }

  private enqueue(due: number, fn: () => void): Cancel {
    const timer: QueuedTimer = { due, seq: this.nextSeq++, fn, cancelled: false };
    this.queue.push(timer);
    return () => {
      this.queue.cancel(timer);
    };
  }
}
