import { RaftKernel, type Entry, type HardState, type Message, type SnapshotMeta, type SnapshotSource } from '@raft/raft-core';

/**
 * One benchmark server: a kernel, an in-memory "disk" (an array of entries plus the hard
 * state) and a state machine that only counts applied user entries. Kept minimal so the
 * measurement is dominated by the kernel.
 */
export class BenchNode implements SnapshotSource {
  readonly kernel: RaftKernel;
  private log: Entry[] = [];
  /** Index of the first entry held in `log`. */
  private logStart = 1;
  hard: HardState = { term: 0, vote: null, commit: 0 };
  applied = 0;
  appliedUser = 0;
  private snapshot: SnapshotMeta | null = null;

  constructor(
    readonly id: string,
    voters: readonly string[],
    seed: number,
  ) {
    let x = seed >>> 0 || 1;
    this.kernel = new RaftKernel(
      {
        id,
        electionTicks: 10,
        heartbeatTicks: 1,
        random: { nextInt: (bound) => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) % bound) },
        maxInflightMessages: 256,
        snapshots: this,
      },
      { hardState: this.hard, snapshot: null, entries: [], bootstrapConfig: { voters, learners: [], outgoing: [] } },
    );
  }

  /** Runs the host loop until the kernel is idle; outgoing messages go to `send`. */
  drive(send: (m: Message) => void): void {
    const k = this.kernel;
    while (k.hasReady()) {
      const rd = k.ready();
      if (rd.hardState) this.hard = rd.hardState;
      if (rd.entries.length > 0) this.persist(rd.entries);
      for (const m of rd.messages) send(m);
      for (const e of rd.committedEntries) if (e.type === 'normal') this.appliedUser++;
      if (rd.committedEntries.length > 0) this.applied = rd.committedEntries[rd.committedEntries.length - 1]!.index;
      k.advance(rd);
    }
  }

  /** Drops applied log entries from the kernel and the disk (a snapshot of a counter is trivial). */
  compact(): void {
    if (this.applied < this.logStart) return;
    const meta = this.kernel.snapshotMetaAt(this.applied);
    this.snapshot = meta;
    this.log = this.log.slice(meta.index + 1 - this.logStart);
    this.logStart = meta.index + 1;
    this.kernel.compact(meta);
  }

  current(): SnapshotMeta | null {
    return this.snapshot;
  }
  size(): number {
    return 8;
  }
  read(_meta: SnapshotMeta, offset: number, maxBytes: number): Uint8Array {
    return new Uint8Array(Math.max(0, Math.min(maxBytes, 8 - offset)));
  }

  private persist(entries: readonly Entry[]): void {
    const first = entries[0]!.index;
    if (first < this.logStart + this.log.length) this.log.length = Math.max(0, first - this.logStart);
    for (const e of entries) this.log.push(e);
  }
}
