import { InvariantViolation } from './invariant-violation';

/** A client write as the checker tracks it. Times are logical event sequence numbers. */
interface WriteRecord {
  readonly opId: string;
  readonly key: string;
  readonly value: string;
  readonly issuedAt: number;
  ackedAt: number | null;
  /** Log index where the write took effect (first application of its op id). */
  index: number | null;
}

interface ReadRecord {
  readonly readId: string;
  readonly key: string;
  readonly issuedAt: number;
  /** Highest log index of a write acknowledged before the read was issued. */
  readonly mustSee: number;
  readonly mustSeeOp: string | null;
}

/** A put as it took effect in the (agreed) log. */
interface Effect {
  readonly index: number;
  readonly value: string;
  readonly opId: string;
}

/**
 * Linearizability of reads against writes in a KV store, for reads served by ReadIndex.
 *
 * A read issued at time s and completed at time f, served from a replica that had applied
 * log index a, returning value v for key k, is linearizable if:
 *  - a ≥ the log index of every write acknowledged before s (the read sees all of them);
 *  - v is the value of k after applying exactly the log up to a (the replica's state is the
 *    log's state — nothing invented, nothing skipped);
 *  - the write that produced v was issued before f (no value from the future).
 * Because writes take effect in log order, these make the read equivalent to one executed
 * atomically at a point between s and f.
 */
export class LinearizabilityChecker {
  private readonly writes = new Map<string, WriteRecord>();
  private readonly reads = new Map<string, ReadRecord>();
  /** Per key: puts in log order (only the first application of each op id). */
  private readonly effects = new Map<string, Effect[]>();
  private maxAckedIndex = 0;
  private maxAckedOp: string | null = null;
  private readsChecked = 0;

  writeIssued(opId: string, key: string, value: string, at: number): void {
    this.writes.set(opId, { opId, key, value, issuedAt: at, ackedAt: null, index: null });
  }

  /** A put took effect at log `index` (called once, when the first server applies it). */
  writeApplied(opId: string, key: string, value: string, index: number): void {
    const list = this.effects.get(key) ?? [];
    const last = list[list.length - 1];
    if (last && last.index >= index) {
      throw new InvariantViolation('linearizability', `put ${opId} took effect at ${index}, after ${last.opId} at ${last.index}`);
    }
    list.push({ index, value, opId });
    this.effects.set(key, list);
    const w = this.writes.get(opId);
    if (w) w.index = index;
  }

  /** The client was told its write succeeded. */
  writeAcked(opId: string, at: number): void {
    const w = this.writes.get(opId);
    if (!w) throw new InvariantViolation('linearizability', `ack for unknown write ${opId}`);
    if (w.index === null) throw new InvariantViolation('linearizability', `write ${opId} acknowledged but never applied`);
    w.ackedAt = at;
    if (w.index > this.maxAckedIndex) {
      this.maxAckedIndex = w.index;
      this.maxAckedOp = opId;
    }
  }

  readIssued(readId: string, key: string, at: number): void {
    this.reads.set(readId, { readId, key, issuedAt: at, mustSee: this.maxAckedIndex, mustSeeOp: this.maxAckedOp });
  }

  /** The read is abandoned (failed, timed out, server crashed): nothing to check. */
  readAbandoned(readId: string): void {
    this.reads.delete(readId);
  }

  /** The read returned `value` from a replica that had applied up to `appliedIndex`. */
  readCompleted(readId: string, value: string | undefined, appliedIndex: number, at: number): void {
    const r = this.reads.get(readId);
    if (!r) throw new InvariantViolation('linearizability', `completion of unknown read ${readId}`);
    this.reads.delete(readId);
    this.readsChecked++;
    if (appliedIndex < r.mustSee) {
      throw new InvariantViolation(
        'linearizability',
        `read ${readId} of ${r.key} was served at applied index ${appliedIndex}, but write ${r.mustSeeOp} at index ${r.mustSee} was acknowledged before the read was issued`,
      );
    }
    const expected = this.valueAt(r.key, appliedIndex);
    if ((expected?.value ?? undefined) !== value) {
      throw new InvariantViolation(
        'linearizability',
        `read ${readId} of ${r.key} at applied index ${appliedIndex} returned ${String(value)}, but the log gives ${expected ? `${expected.value} (put ${expected.opId} at ${expected.index})` : 'no value'}`,
      );
    }
    if (expected) {
      const w = this.writes.get(expected.opId);
      if (w && w.issuedAt > at) {
        throw new InvariantViolation('linearizability', `read ${readId} returned ${value} from write ${w.opId} issued after the read completed`);
      }
    }
  }

  /** Reads whose result was checked. */
  checkedReads(): number {
    return this.readsChecked;
  }

  private valueAt(key: string, index: number): Effect | undefined {
    const list = this.effects.get(key);
    if (!list) return undefined;
    // Binary search for the last put at or below `index`.
    let lo = 0;
    let hi = list.length - 1;
    let found: Effect | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.index <= index) {
        found = list[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }
}
