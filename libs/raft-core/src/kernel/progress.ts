import type { ProgressState } from './status';
import type { SnapshotMeta } from './types';

/** An InstallSnapshot transfer in progress to one follower. */
export interface SnapshotTransfer {
  readonly meta: SnapshotMeta;
  readonly size: number;
  /** Bytes the follower has acknowledged. */
  ackedOffset: number;
  /** Tick at which the last chunk was sent (for retransmission of lost chunks). */
  lastSentTick: number;
}

/**
 * The leader's bookkeeping for one follower (or learner): how much of the log matches,
 * what to send next, and flow control.
 *
 * - probe: we do not know where the logs diverge; send one AppendEntries and wait for its
 *   answer (or the next heartbeat) before sending again.
 * - replicate: logs match up to `match`; stream entries optimistically, at most
 *   `maxInflight` messages in flight (pipelining).
 * - snapshot: the follower needs entries we compacted; send InstallSnapshot chunks.
 */
export class Progress {
  match = 0;
  next: number;
  state: ProgressState = 'probe';
  /** In probe state: one AppendEntries is outstanding, so hold off until it is answered. */
  probeSent = false;
  /** Last index carried by each in-flight AppendEntries, oldest first. */
  private readonly inflight: number[] = [];
  recentActive = false;
  /** Leader tick at which we last heard from this peer. */
  lastContactTick = 0;
  /** Leader tick at which we sent the newest heartbeat this peer acknowledged (lease reads). */
  lastAckedHeartbeatSentTick = Number.NEGATIVE_INFINITY;
  /** Highest heartbeat sequence this peer echoed (ReadIndex confirmation). */
  ackedSeq = 0;
  snapshot: SnapshotTransfer | null = null;
  /** Highest commit index this peer has been sent together with entries it holds. */
  commitSent = 0;

  constructor(
    next: number,
    readonly learner: boolean,
    private readonly maxInflight: number,
  ) {
    this.next = next;
  }

  inflightCount(): number {
    return this.inflight.length;
  }

  /**
   * Frees the oldest in-flight slot. Used when the peer answers a heartbeat while our window
   * is full: its acknowledgements may all have been lost, and without a free slot nothing
   * would ever be sent again to discover that (and repair it via a rejection).
   */
  freeOldestInflight(): void {
    this.inflight.shift();
  }

  isInflightFull(): boolean {
    return this.inflight.length >= this.maxInflight;
  }

  /** Whether another AppendEntries may be sent right now. */
  canSend(): boolean {
    switch (this.state) {
      case 'probe':
        return !this.probeSent;
      case 'replicate':
        return this.inflight.length < this.maxInflight;
      case 'snapshot':
        return false;
    }
  }

  /** Records an AppendEntries carrying entries up to `lastIndex` (or none: lastIndex = next-1). */
  sentAppend(lastIndex: number, carriedEntries: boolean): void {
    if (this.state === 'replicate') {
      if (carriedEntries) {
        this.next = lastIndex + 1;
        this.inflight.push(lastIndex);
      }
    } else if (this.state === 'probe') {
      this.probeSent = true;
    }
  }

  /** A successful response: the follower's log matches ours up to `index`. Returns true if it moved. */
  acknowledge(index: number): boolean {
    let moved = false;
    if (index > this.match) {
      this.match = index;
      moved = true;
    }
    if (index + 1 > this.next) this.next = index + 1;
    while (this.inflight.length > 0 && this.inflight[0]! <= index) this.inflight.shift();
    this.probeSent = false;
    return moved;
  }

  /**
   * A rejection of the AppendEntries whose prevIndex was `rejected`; `hint` is the highest
   * index at which the logs may match. Returns false for stale rejections (already handled).
   */
  rejected(rejected: number, hint: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
    } else if (rejected !== this.next - 1) {
      return false;
    }
    this.becomeProbe(Math.min(rejected, hint + 1));
    return true;
  }

  /** Back to probing, starting at `next` (never below match + 1). */
  becomeProbe(next = this.match + 1): void {
    this.state = 'probe';
    this.next = Math.max(next, this.match + 1);
    this.probeSent = false;
    this.snapshot = null;
    this.inflight.length = 0;
  }

  becomeReplicate(): void {
    this.state = 'replicate';
    this.next = this.match + 1;
    this.probeSent = false;
    this.inflight.length = 0;
  }

  becomeSnapshot(transfer: SnapshotTransfer): void {
    this.state = 'snapshot';
    this.snapshot = transfer;
    this.inflight.length = 0;
    this.probeSent = false;
  }
}
