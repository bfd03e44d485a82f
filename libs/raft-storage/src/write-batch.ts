import type { HardState } from '@raft/raft-core';
import type { SegmentFraming } from './records';

/**
 * Everything queued for one durable write (one group commit): its records, in order, and
 * one promise that every save in it is handed.
 *
 * One promise per group commit rather than one per save: with 64 proposers per write, 63
 * promise allocations, executor closures and resolve calls per write sat on the main thread
 * between two disk writes. Records encoded back to back into the same staging buffer are
 * kept as one run and become a single Buffer view (one iovec) when the write takes them.
 */
export class WriteBatch {
  private readonly chunks: Buffer[] = [];
  /** The open run of contiguous staging regions, not yet a view: buffer, start, end. */
  private run: Buffer | null = null;
  private runStart = 0;
  private runEnd = 0;
  /** Bytes of every chunk and region added. */
  bytes = 0;
  /** The last hard state added (the one this write records), if any. */
  hard: HardState | null = null;
  /** Highest entry index added (0 if none). */
  maxEntryIndex = 0;
  /** Settles when the write covering this batch returned (or failed). */
  readonly done: Promise<void>;
  private settle!: { resolve: () => void; reject: (e: unknown) => void };

  /** @param framing the segment framing its records are encoded with */
  constructor(readonly framing: SegmentFraming) {
    this.done = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
  }

  /** Adds `length` bytes at `offset` of `buffer`, extending the open run when contiguous. */
  addRegion(buffer: Buffer, offset: number, length: number): void {
    if (this.run === buffer && this.runEnd === offset) this.runEnd += length;
    else {
      this.closeRun();
      this.run = buffer;
      this.runStart = offset;
      this.runEnd = offset + length;
    }
    this.bytes += length;
  }

  /** Adds a record buffer of its own. */
  addChunk(chunk: Buffer): void {
    this.closeRun();
    this.chunks.push(chunk);
    this.bytes += chunk.length;
  }

  /** The buffers to write, back to back. Call once, when the write takes the batch. */
  take(): readonly Buffer[] {
    this.closeRun();
    return this.chunks;
  }

  resolve(): void {
    this.settle.resolve();
  }

  reject(error: unknown): void {
    this.settle.reject(error);
  }

  private closeRun(): void {
    if (this.run === null) return;
    this.chunks.push(this.run.subarray(this.runStart, this.runEnd));
    this.run = null;
  }
}
