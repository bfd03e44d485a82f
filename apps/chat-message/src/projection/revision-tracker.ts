/**
 * Low watermark over revisions handled out of order: events begin in revision order and
 * may complete in any order (different conversation actors); the watermark is the highest
 * revision at or below which everything has completed — the safe point to resume from.
 */
export class RevisionTracker {
  private readonly pending: { revision: number; done: boolean }[] = [];
  private head = 0;
  private mark: number;

  constructor(start: number) {
    this.mark = start;
  }

  get watermark(): number {
    return this.mark;
  }

  get inFlight(): number {
    return this.pending.length - this.head;
  }

  /** Registers the next event; revisions must not go backwards. Returns its completion. */
  begin(revision: number): () => void {
    const last = this.pending.length > this.head ? this.pending[this.pending.length - 1]!.revision : this.mark;
    if (revision < last) throw new Error(`revision ${revision} begun after ${last}`);
    const entry = { revision, done: false };
    this.pending.push(entry);
    return () => {
      entry.done = true;
      this.drain();
    };
  }

  private drain(): void {
    while (this.head < this.pending.length && this.pending[this.head]!.done) {
      this.mark = Math.max(this.mark, this.pending[this.head]!.revision);
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending.splice(0, this.head);
      this.head = 0;
    }
  }
}
