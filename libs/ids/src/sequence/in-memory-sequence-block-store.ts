import { SequenceOverflowError } from '../errors';
import { MAX_SEQUENCE_VALUE, type SequenceBlock, type SequenceBlockStore } from './sequence-block-store';

/**
 * {@link SequenceBlockStore} in process memory: for tests and single-process use. Counts
 * reservations so tests can check that concurrent callers do not over-reserve.
 */
export class InMemorySequenceBlockStore implements SequenceBlockStore {
  private readonly marks = new Map<string, number>();
  private reservationCount = 0;

  /** How many times `reserve` has been called. */
  get reservations(): number {
    return this.reservationCount;
  }

  async reserve(scopeKey: string, size: number): Promise<SequenceBlock> {
    this.reservationCount += 1;
    const mark = this.marks.get(scopeKey) ?? 0;
    if (mark + size > MAX_SEQUENCE_VALUE) {
      throw new SequenceOverflowError(`scope ${scopeKey} would pass ${MAX_SEQUENCE_VALUE}`);
    }
    this.marks.set(scopeKey, mark + size);
    return { first: mark + 1, last: mark + size };
  }

  /** The scope's current high-water mark (0 if never reserved). */
  markOf(scopeKey: string): number {
    return this.marks.get(scopeKey) ?? 0;
  }
}
