import type { NodeId } from './types';

/** A ReadIndex request the leader is confirming with a heartbeat round. */
export interface PendingRead {
  readonly ctx: string;
  /** The commit index when the read arrived: the read may be served once applied ≥ it. */
  readonly index: number;
  /** Heartbeat sequence whose quorum acknowledgement confirms leadership for this read. */
  readonly seq: number;
  /** Who asked: this server, or a follower that forwarded the read. */
  readonly requester: NodeId;
}

/**
 * ReadIndex bookkeeping on the leader (Raft thesis §6.4). A read is recorded with the
 * commit index and a fresh heartbeat sequence; once a quorum echoes a sequence ≥ that,
 * the leader knows it was still leader when the read arrived, so serving state at
 * `index` is linearizable. Reads are released in arrival order.
 */
export class ReadIndexQueue {
  private pending: PendingRead[] = [];

  add(read: PendingRead): void {
    this.pending.push(read);
  }

  size(): number {
    return this.pending.length;
  }

  /** Removes and returns every read whose sequence is ≤ `confirmedSeq`. */
  confirm(confirmedSeq: number): PendingRead[] {
    let n = 0;
    while (n < this.pending.length && this.pending[n]!.seq <= confirmedSeq) n++;
    if (n === 0) return [];
    const released = this.pending.slice(0, n);
    this.pending = this.pending.slice(n);
    return released;
  }

  /** Removes and returns everything (leadership lost). */
  drain(): PendingRead[] {
    const all = this.pending;
    this.pending = [];
    return all;
  }
}
