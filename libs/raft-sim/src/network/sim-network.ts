import type { Message, NodeId } from '@raft/raft-core';
import type { Prng } from '../prng';

/** How unreliable the network is. Delays are in ticks; a delay of 0 is never used. */
export interface NetworkConditions {
  /** Probability that a message is lost. */
  readonly dropRate: number;
  /** Probability that a message is delivered twice (each copy with its own delay). */
  readonly duplicateRate: number;
  readonly minDelay: number;
  readonly maxDelay: number;
}

/** A message on its way, with when it was sent and when it will arrive. */
export interface InFlight {
  readonly message: Message;
  readonly sentAt: number;
  readonly deliverAt: number;
}

/** What happened to a message handed to the network (for the trace and tests). */
export type SendOutcome = 'queued' | 'dropped' | 'duplicated' | 'blocked';

/**
 * A seeded, faulty network. Each message gets an independent random delay, so messages
 * between the same pair reorder; some are dropped or duplicated. Links can be cut one way
 * (asymmetric partitions) or both ways; a message whose link is cut when it is sent or
 * when it would arrive is lost.
 */
export class SimNetwork {
  private readonly queue = new Map<number, InFlight[]>();
  private readonly blocked = new Set<string>();
  private inFlightCount = 0;

  constructor(
    private readonly rng: Prng,
    private conditions: NetworkConditions,
  ) {}

  setConditions(conditions: NetworkConditions): void {
    this.conditions = conditions;
  }

  getConditions(): NetworkConditions {
    return this.conditions;
  }

  /** Hands a message to the network at tick `now`. */
  send(message: Message, now: number): SendOutcome {
    if (this.isBlocked(message.from, message.to)) return 'blocked';
    const c = this.conditions;
    if (this.rng.chance(c.dropRate)) return 'dropped';
    this.enqueue(message, now);
    if (this.rng.chance(c.duplicateRate)) {
      this.enqueue(message, now);
      return 'duplicated';
    }
    return 'queued';
  }

  /** Removes and returns the messages due at `now` whose link is still open, in send order. */
  takeDue(now: number): InFlight[] {
    const due = this.queue.get(now);
    if (!due) return [];
    this.queue.delete(now);
    this.inFlightCount -= due.length;
    return due.filter((f) => !this.isBlocked(f.message.from, f.message.to));
  }

  /** Number of messages still travelling. */
  inFlight(): number {
    return this.inFlightCount;
  }

  /** Cuts the link from `from` to `to` only. */
  cutOneWay(from: NodeId, to: NodeId): void {
    this.blocked.add(linkKey(from, to));
  }

  /** Cuts both directions between `a` and `b`. */
  cut(a: NodeId, b: NodeId): void {
    this.cutOneWay(a, b);
    this.cutOneWay(b, a);
  }

  /** Splits the nodes into groups that cannot talk to each other. */
  partition(groups: readonly (readonly NodeId[])[]): void {
    for (let g = 0; g < groups.length; g++) {
      for (let h = g + 1; h < groups.length; h++) for (const a of groups[g]!) for (const b of groups[h]!) this.cut(a, b);
    }
  }

  isBlocked(from: NodeId, to: NodeId): boolean {
    return this.blocked.size > 0 && this.blocked.has(linkKey(from, to));
  }

  /** Whether any link is cut. */
  isPartitioned(): boolean {
    return this.blocked.size > 0;
  }

  /** Restores every link. */
  heal(): void {
    this.blocked.clear();
  }

  /** Describes the cut links, e.g. `n1>n2 n2>n1`. */
  describeCuts(): string {
    return [...this.blocked].sort().join(' ');
  }

  private enqueue(message: Message, now: number): void {
    const c = this.conditions;
    const at = now + this.rng.between(Math.max(1, c.minDelay), Math.max(1, c.minDelay, c.maxDelay));
    let bucket = this.queue.get(at);
    if (!bucket) {
      bucket = [];
      this.queue.set(at, bucket);
    }
    bucket.push({ message, sentAt: now, deliverAt: at });
    this.inFlightCount++;
  }
}

function linkKey(from: NodeId, to: NodeId): string {
  return `${from}>${to}`;
}
