import type { DropPolicy } from '../options';
import { batchFrameLength } from '../protocol/frame-encoder';

/** A run of encoded messages taken off the queue to become one frame. */
export interface Batch {
  readonly items: Buffer[];
  /** Sum of the items' lengths. */
  readonly bytes: number;
}

/**
 * FIFO of encoded messages bounded both in count and in bytes. When full it drops — Raft
 * retransmits whatever matters, so loss is always preferable to unbounded memory or to
 * blocking the sender. Which message gives way is the {@link DropPolicy}:
 * - `drop-newest` (default): the message being offered is refused;
 * - `drop-oldest`: the oldest queued messages are evicted until the new one fits, which
 *   keeps the freshest state when a peer comes back after a long outage.
 */
export class SendQueue {
  private items: Buffer[] = [];
  private head = 0;
  private bytes = 0;

  constructor(
    private readonly maxMessages: number,
    private readonly maxBytes: number,
    private readonly policy: DropPolicy,
  ) {}

  /** Messages waiting. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** Encoded bytes waiting. */
  get byteLength(): number {
    return this.bytes;
  }

  /** True when a `drop-newest` queue would refuse any message (lets callers skip encoding). */
  get refusesNew(): boolean {
    return this.policy === 'drop-newest' && this.length >= this.maxMessages;
  }

  /** Enqueues `item` if the policy allows; returns how many messages were dropped (0, 1 or more). */
  offer(item: Buffer): number {
    if (item.length > this.maxBytes) return 1;
    const fits = (): boolean => this.length < this.maxMessages && this.bytes + item.length <= this.maxBytes;
    let dropped = 0;
    if (!fits()) {
      if (this.policy === 'drop-newest') return 1;
      while (!fits()) {
        this.bytes -= this.items[this.head].length;
        this.head++;
        dropped++;
      }
    }
    this.items.push(item);
    this.bytes += item.length;
    return dropped;
  }

  /**
   * Removes the longest prefix whose Messages frame length stays within `maxFrameLength`, or
   * returns null when empty. Callers never enqueue a message too large for a frame of its own,
   * so a non-empty queue always yields at least one item.
   */
  takeBatch(maxFrameLength: number): Batch | null {
    if (this.length === 0) return null;
    const items: Buffer[] = [];
    let bytes = 0;
    while (this.head < this.items.length) {
      const next = this.items[this.head];
      if (items.length > 0 && batchFrameLength(items.length + 1, bytes + next.length) > maxFrameLength) break;
      items.push(next);
      bytes += next.length;
      this.head++;
    }
    this.bytes -= bytes;
    this.compact();
    return { items, bytes };
  }

  /** Empties the queue; returns how many messages were discarded. */
  clear(): number {
    const discarded = this.length;
    this.items = [];
    this.head = 0;
    this.bytes = 0;
    return discarded;
  }

  /** Reclaims the consumed prefix once it dominates the array (amortised O(1) per item). */
  private compact(): void {
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
