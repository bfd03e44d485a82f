import { Deque } from './deque';
import { InvalidActorOptionError, MailboxFullError, SendTimeoutError } from './errors';
import type { Cancel, Scheduler } from './scheduler';

/**
 * What a full mailbox does with a new message:
 * - `reject` (default): `tell` throws {@link MailboxFullError}; `send` waits for space.
 *   Nothing is lost silently — the sender sees backpressure.
 * - `drop-oldest`: the oldest queued message is discarded (reported as a dead letter) to
 *   make room; `tell` and `send` always succeed. For streams where only recent data matters.
 */
export type OverflowPolicy = 'reject' | 'drop-oldest';

/** Mailbox settings of one actor. */
export interface MailboxOptions {
  /** Maximum number of queued (not yet delivered) messages; default 1000. */
  readonly capacity?: number;
  /** Default `reject`. */
  readonly overflow?: OverflowPolicy;
}

/** Defaults applied to {@link MailboxOptions}. */
export const DEFAULT_MAILBOX_CAPACITY = 1000;

interface SendWaiter<M> {
  readonly message: M;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  cancelTimer: Cancel;
}

/**
 * A bounded FIFO of messages for one actor, with senders waiting for space in FIFO order.
 * The message currently being processed is not counted against the capacity.
 */
export class Mailbox<M> {
  private readonly queue = new Deque<M>();
  private readonly waiters = new Deque<SendWaiter<M>>();
  private closedBy: Error | null = null;
  readonly capacity: number;
  readonly overflow: OverflowPolicy;

  constructor(
    private readonly owner: string,
    options: MailboxOptions,
    private readonly scheduler: Scheduler,
    /** Receives messages discarded by `drop-oldest`. */
    private readonly onDropped: (message: M) => void,
  ) {
    this.capacity = options.capacity ?? DEFAULT_MAILBOX_CAPACITY;
    this.overflow = options.overflow ?? 'reject';
    if (!Number.isInteger(this.capacity) || this.capacity < 1) {
      throw new InvalidActorOptionError(`mailbox capacity must be a positive integer, got ${this.capacity}`);
    }
  }

  /** Queued messages (excluding senders still waiting for space). */
  get size(): number {
    return this.queue.length;
  }

  /** Senders blocked in `enqueueWhenSpace`. */
  get waitingSenders(): number {
    return this.waiters.length;
  }

  get isClosed(): boolean {
    return this.closedBy !== null;
  }

  /** Adds a message now or throws {@link MailboxFullError} / the error the mailbox was closed with. */
  enqueue(message: M): void {
    if (this.closedBy) throw this.closedBy;
    // Waiting senders count as ahead in line: a tell must not overtake them.
    if (this.queue.length + this.waiters.length < this.capacity) {
      this.queue.push(message);
    } else if (this.overflow === 'drop-oldest') {
      this.pushDroppingOldest(message);
    } else {
      throw new MailboxFullError(this.owner, this.capacity);
    }
  }

  /**
   * Adds a message, waiting (FIFO among waiters) for space if the mailbox is full. Rejects
   * with {@link SendTimeoutError} after `timeoutMs` of scheduler time, or with the close error.
   */
  enqueueWhenSpace(message: M, timeoutMs?: number): Promise<void> {
    if (this.closedBy) return Promise.reject(this.closedBy);
    if (this.overflow === 'drop-oldest' || this.queue.length + this.waiters.length < this.capacity) {
      this.enqueue(message);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: SendWaiter<M> = { message, resolve, reject, cancelTimer: () => undefined };
      if (timeoutMs !== undefined) {
        waiter.cancelTimer = this.scheduler.schedule(timeoutMs, () => {
          if (this.removeWaiter(waiter)) reject(new SendTimeoutError(this.owner, timeoutMs));
        });
      }
      this.waiters.push(waiter);
    });
  }

  /** Removes the oldest message, letting the first waiting sender in. */
  take(): { readonly message: M } | undefined {
    if (this.queue.length === 0) return undefined;
    const message = this.queue.shift() as M;
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.cancelTimer();
      this.queue.push(waiter.message);
      waiter.resolve();
    }
    return { message };
  }

  /**
   * Refuses all further messages with `error` and fails waiting senders with it. Queued
   * messages stay until {@link drain}ed so a draining stop can still deliver them.
   */
  close(error: Error): void {
    if (this.closedBy) return;
    this.closedBy = error;
    for (const waiter of this.waiters.drain()) {
      waiter.cancelTimer();
      waiter.reject(error);
    }
  }

  /** Removes and returns every queued message. */
  drain(): M[] {
    return this.queue.drain();
  }

  private pushDroppingOldest(message: M): void {
    const dropped = this.queue.shift() as M;
    this.queue.push(message);
    this.onDropped(dropped);
  }

  private removeWaiter(target: SendWaiter<M>): boolean {
    const kept = this.waiters.drain();
    let found = false;
    for (const w of kept) {
      if (w === target) found = true;
      else this.waiters.push(w);
    }
    return found;
  }
}

