/**
 * Something the queue can time out: `isResolved` turns true once it has finished, either
 * way; `reject` settles it with the timeout error, and does nothing once it is settled.
 */
export interface Expirable {
  readonly isResolved: boolean;
  reject(error: Error): void;
}

/** A promise being timed by {@link DeadlineQueue.run}. */
interface PendingPromise extends Expirable {
  isResolved: boolean;
}

/**
 * Gives calls a common timeout using a single timer instead of one `setTimeout` per call. A
 * per-call timer costs a timer-list creation and a libuv re-arm on every call when calls
 * are sequential (the only timer is created and cleared each time): about a quarter of the
 * client CPU of a Redis round trip. Here the timer is armed at most once per timeout period
 * and left running across calls.
 *
 * Every call has the same timeout, so deadlines are in call order and only the head of the
 * FIFO ever needs checking. Items that finished are dropped from the head when the next one
 * is tracked or the timer fires.
 */
export class DeadlineQueue {
  private readonly items: Expirable[] = [];
  private readonly deadlines: number[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly timeoutMs: number,
    /** Builds the rejection for a call that ran out of time. */
    private readonly timeoutError: () => Error,
    /** Monotonic milliseconds (wall-clock steps must not fire or delay timeouts). */
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Times `item` from now: if it has not resolved when the timeout passes, it is rejected
   * with the timeout error. No promise or closure is made for it.
   */
  track(item: Expirable): void {
    this.dropFinishedHead();
    this.items.push(item);
    this.deadlines.push(this.now() + this.timeoutMs);
    if (this.timer === undefined) this.arm(this.timeoutMs);
  }

  /** Settles like `promise`, or rejects with the timeout error if it takes longer than the timeout. */
  run<T>(promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const pending: PendingPromise = { isResolved: false, reject };
      this.track(pending);
      promise.then(
        (value) => {
          pending.isResolved = true;
          resolve(value);
        },
        (error: unknown) => {
          pending.isResolved = true;
          reject(error);
        },
      );
    });
  }

  /** Calls still being timed (finished ones at the head are dropped first). */
  get size(): number {
    this.dropFinishedHead();
    return this.items.length - this.head;
  }

  private arm(delayMs: number): void {
    // Unref'd: a limiter must not keep the process alive (the Redis socket does, while a
    // call is really in flight).
    this.timer = setTimeout(() => this.expire(), Math.max(1, Math.ceil(delayMs))).unref();
  }

  private expire(): void {
    this.timer = undefined;
    const now = this.now();
    while (this.head < this.items.length && this.deadlines[this.head] <= now) {
      const item = this.items[this.head];
      if (!item.isResolved) item.reject(this.timeoutError());
      this.head += 1;
    }
    this.dropFinishedHead();
    if (this.head < this.items.length) this.arm(this.deadlines[this.head] - now);
  }

  private dropFinishedHead(): void {
    while (this.head < this.items.length && this.items[this.head].isResolved) this.head += 1;
    this.compact();
  }

  // Drops the finished prefix once it dominates the arrays (amortized O(1) per call).
  private compact(): void {
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.deadlines.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.deadlines.splice(0, this.head);
      this.head = 0;
    }
  }
}
