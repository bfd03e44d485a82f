/** A timer waiting in a {@link TimerQueue}. */
export interface QueuedTimer {
  readonly due: number;
  /** Insertion order; breaks ties between timers due at the same instant. */
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/**
 * A binary min-heap of timers ordered by (due time, insertion order). Cancelled timers are
 * removed lazily when they reach the top, so cancelling is O(1).
 */
export class TimerQueue {
  private readonly heap: QueuedTimer[] = [];
  private live = 0;

  /** Number of timers neither fired nor cancelled. */
  get size(): number {
    return this.live;
  }

  push(timer: QueuedTimer): void {
    this.heap.push(timer);
    this.live++;
    this.siftUp(this.heap.length - 1);
  }

  /** Marks a queued timer cancelled; returns false if it had already fired or been cancelled. */
  cancel(timer: QueuedTimer): boolean {
    if (timer.cancelled) return false;
    timer.cancelled = true;
    this.live--;
    return true;
  }

  /** The earliest live timer, without removing it. */
  peek(): QueuedTimer | undefined {
    this.dropCancelledTop();
    return this.heap[0];
  }

  /** Removes and returns the earliest live timer. */
  pop(): QueuedTimer | undefined {
    this.dropCancelledTop();
    const top = this.heap[0];
    if (top === undefined) return undefined;
    this.removeTop();
    // Marked so that a later cancel() of a fired timer does not miscount.
    top.cancelled = true;
    this.live--;
    return top;
  }

  private dropCancelledTop(): void {
    while (this.heap.length > 0 && this.heap[0].cancelled) this.removeTop();
  }

  private removeTop(): void {
    const last = this.heap.pop() as QueuedTimer;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
  }

  private before(a: QueuedTimer, b: QueuedTimer): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  private siftUp(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(h[i], h[parent])) return;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.before(h[l], h[m])) m = l;
      if (r < h.length && this.before(h[r], h[m])) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
}
