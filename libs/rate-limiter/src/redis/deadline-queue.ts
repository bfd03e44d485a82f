/** One call being timed: settled by its own promise or by the deadline, whichever is first. */
interface Pending {
  readonly deadline: number;
  readonly reject: (error: Error) => void;
  settled: boolean;
}

/**
 * Gives promises a common timeout using a single timer instead of one `setTimeout` per
 * call. A per-call timer costs a timer-list creation and a libuv re-arm on every call when
 * calls are sequential (the only timer is created and cleared each time): about a quarter
 * of the client CPU of a Redis round trip. Here the timer is armed at most once per timeout
 * period and left running across calls.
 *
 * Every call has the same timeout, so deadlines are in call order and only the head of the
 * FIFO ever needs checking.
 */
export class DeadlineQueue {
  private readonly pending: Pending[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly timeoutMs: number,
    /** Builds the rejection for a call that ran out of time. */
    private readonly timeoutError: () => Error,
    /** Monotonic milliseconds (wall-clock steps must not fire or delay timeouts). */
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Settles like `promise`, or rejects with the timeout error if it takes longer than the timeout. */
  run<T>(promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: Pending = { deadline: this.now() + this.timeoutMs, reject, settled: false };
      this.pending.push(entry);
      if (this.timer === undefined) this.arm(this.timeoutMs);
      promise.then(
        (value) => {
          this.settle(entry);
          resolve(value);
        },
        (error: unknown) => {
          this.settle(entry);
          reject(error);
        },
      );
    });
  }

  /** Calls still being timed (settled ones are dropped lazily). */
  get size(): number {
    return this.pending.length - this.head;
  }

  // Calls mostly finish in order, so dropping the settled head keeps the FIFO short.
  private settle(entry: Pending): void {
    entry.settled = true;
    while (this.head < this.pending.length && this.pending[this.head].settled) this.head += 1;
    this.compact();
  }

  private arm(delayMs: number): void {
    // Unref'd: a limiter must not keep the process alive (the Redis socket does, while a
    // call is really in flight).
    this.timer = setTimeout(() => this.expire(), Math.max(1, Math.ceil(delayMs))).unref();
  }

  private expire(): void {
    this.timer = undefined;
    const now = this.now();
    while (this.head < this.pending.length) {
      const entry = this.pending[this.head];
      if (!entry.settled) {
        if (entry.deadline > now) break;
        entry.settled = true;
        entry.reject(this.timeoutError());
      }
      this.head += 1;
    }
    this.compact();
    if (this.head < this.pending.length) this.arm(this.pending[this.head].deadline - now);
  }

  // Drops the settled prefix once it dominates the array (amortized O(1) per call).
  private compact(): void {
    if (this.head === this.pending.length) {
      this.pending.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending.splice(0, this.head);
      this.head = 0;
    }
  }
}
