import type { HardState } from '@raft/raft-core';
import { frameEntries, RECORD_HEADER_BYTES, reframeRecords, type SegmentFraming } from './records';

/**
 * Everything queued for one durable write (one group commit): its records, in order, and
 * one promise that every save in it is handed.
 *
 * One promise per group commit rather than one per save: with 64 proposers per write, 63
 * promise allocations, executor closures and resolve calls per write sat on the main thread
 * between two disk writes. Likewise one CRC per run of entries rather than one per entry:
 * entries encoded back to back into the same staging buffer (by consecutive saves) become a
 * single entries record when the write takes them — a header with one CRC over the run, and
 * the run itself as one Buffer view (one iovec).
 */
export class WriteBatch {
  /** Complete records, and runs of staged entries that become one record each, in order. */
  private readonly items: { readonly entries: boolean; readonly buf: Buffer }[] = [];
  /** The open run of contiguous staged entries, not yet a view: buffer, start, end. */
  private run: Buffer | null = null;
  private runStart = 0;
  private runEnd = 0;
  /** Bytes the write will take: every record added, and a record header per run of entries. */
  bytes = 0;
  /** The last hard state added (the one this write records), if any. */
  hard: HardState | null = null;
  /** Highest entry index added (0 if none). */
  maxEntryIndex = 0;
  /** Settles when the write covering this batch returned (or failed). */
  readonly done: Promise<void>;
  private settle!: { resolve: () => void; reject: (e: unknown) => void };

  /** @param framing the segment framing its complete records are encoded with */
  constructor(readonly framing: SegmentFraming) {
    this.done = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
  }

  /**
   * Adds `length` bytes of encoded entries at `offset` of `buffer`, extending the open run
   * when contiguous; a new run costs a record header.
   */
  addEntries(buffer: Buffer, offset: number, length: number): void {
    if (this.run === buffer && this.runEnd === offset) this.runEnd += length;
    else {
      this.closeRun();
      this.run = buffer;
      this.runStart = offset;
      this.runEnd = offset + length;
      this.bytes += RECORD_HEADER_BYTES;
    }
    this.bytes += length;
  }

  /** Adds a complete record of its own (encoded with {@link framing}). */
  addChunk(chunk: Buffer): void {
    this.closeRun();
    this.items.push({ entries: false, buf: chunk });
    this.bytes += chunk.length;
  }

  /**
   * The buffers to write into segment `framing`, back to back ({@link bytes} in all): each
   * run of entries framed as one record, and records encoded for another segment (saved
   * before a rotation) re-framed. Call once, when the write takes the batch.
   */
  take(framing: SegmentFraming): Buffer[] {
    this.closeRun();
    const out: Buffer[] = [];
    for (const { entries, buf } of this.items) {
      if (entries) out.push(frameEntries(buf, framing), buf);
      else {
        if (framing !== this.framing) reframeRecords(buf, framing);
        out.push(buf);
      }
    }
    return out;
  }

  resolve(): void {
    this.settle.resolve();
  }

  reject(error: unknown): void {
    this.settle.reject(error);
  }

  private closeRun(): void {
    if (this.run === null) return;
    this.items.push({ entries: true, buf: this.run.subarray(this.runStart, this.runEnd) });
    this.run = null;
  }
}
