import type { Entry, SnapshotMeta } from '@raft/raft-core';
import { FileStorage } from '@raft/raft-storage';
import { CountingFs } from './storage-counting-fs';

/** One group-commit run: `proposers` concurrent loops, each awaiting its save before the next. */
export interface AppendResult {
  readonly entrySize: number;
  readonly proposers: number;
  /** Whether the WAL was in its steady state (see {@link runAppend}). */
  readonly steady: boolean;
  /** New segments started during the measured rounds, and how many of them reused a spare file. */
  readonly segmentsStarted: number;
  readonly segmentsReused: number;
  readonly entries: number;
  readonly seconds: number;
  /** Bytes written to the WAL (framing and segment heads included). */
  readonly walBytes: number;
  readonly syncs: number;
  /** Time to durable (save called → promise resolved), milliseconds. */
  readonly p50: number;
  readonly p99: number;
}

const CONFIG = { voters: ['n1'], learners: [], outgoing: [] };

/** Takes a snapshot at `index` and compacts the log to it, as a node does after a snapshot. */
async function snapshotAndCompact(s: FileStorage, index: number): Promise<void> {
  const meta: SnapshotMeta = { index, term: 1, config: CONFIG };
  const w = await s.createSnapshot(meta);
  await w.write(Buffer.from(`state@${index}`));
  await w.commit();
  await s.compact(index);
}

/**
 * Brings a fresh WAL to the state a long-running node's is in: segments filled (with large
 * saves, to get there quickly) and compacted after a snapshot, then filled on into a reused
 * file and compacted again — so the active segment is a reused file and spare files wait
 * for the next ones. Returns the last index written.
 */
async function warmToSteadyState(s: FileStorage, next: number): Promise<number> {
  const big = new Uint8Array(64 * 1024).fill(119);
  const fillUntil = async (done: () => boolean): Promise<void> => {
    while (!done()) await s.save(null, Array.from({ length: 64 }, (): Entry => ({ index: ++next, term: 1, type: 'normal', data: big })));
  };
  await fillUntil(() => s.segmentFiles().length >= 4);
  await snapshotAndCompact(s, next);
  const spares = s.spareFiles().length;
  await fillUntil(() => s.spareFiles().length < spares); // the next segment took a spare
  await snapshotAndCompact(s, next);
  return next;
}

const quantile = (sorted: Float64Array, q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

/**
 * Appends single-entry saves of `entrySize`-byte payloads from `proposers` concurrent
 * proposers, through FileStorage with its default 64 MiB segments, in `rounds` slices of
 * `seconds / rounds`. Each proposer takes the next index and calls save synchronously, so
 * calls stay contiguous; group commit batches whatever arrives while an fdatasync is in
 * flight. Between slices (all proposers idle) `between` runs with the bytes per fdatasync
 * seen so far — the raw loop, interleaved so both see the same disk weather.
 *
 * `steady`: the WAL starts as a long-running node's does (filled, snapshotted and compacted,
 * with spare segment files to reuse), and while the proposers run, a snapshot is taken and
 * the log compacted to the last durable index whenever a segment has filled — what a node
 * that snapshots as often as it fills a segment does. Otherwise the WAL starts empty and is
 * never compacted (every new segment is a new file).
 */
export async function runAppend(
  dir: string,
  entrySize: number,
  proposers: number,
  seconds: number,
  rounds: number,
  between: (bytesPerSync: number) => Promise<void>,
  steady = false,
): Promise<AppendResult> {
  const fs = new CountingFs();
  const s = await FileStorage.open(dir, { fs });
  await s.load();
  const data = new Uint8Array(entrySize).fill(120);
  let next = steady ? await warmToSteadyState(s, 0) : 0;
  let durable = next;
  let segmentsStarted = 0;
  let segmentsReused = 0;
  const entry = (): Entry => ({ index: ++next, term: 1, type: 'normal', data });
  for (let k = 0; k < 20; k++) await s.save(null, [entry()]); // warm-up: segment created, JIT warm
  durable = next;
  const [syncs0, bytes0] = [fs.syncs, fs.bytes];
  const latencies: number[] = [];
  let entries = 0;
  let elapsed = 0;
  for (let round = 0; round < rounds; round++) {
    const t0 = performance.now();
    const deadline = t0 + (seconds / rounds) * 1000;
    // One clock read per save: it ends this save's latency and starts the next one's. (The
    // harness's work runs on the thread between two disk writes, like FileStorage's own.)
    const proposer = async (): Promise<void> => {
      let now = performance.now();
      while (now < deadline) {
        const start = now;
        const e = entry();
        await s.save(null, [e]);
        if (e.index > durable) durable = e.index;
        now = performance.now();
        latencies.push(now - start);
        entries++;
      }
    };
    // Watches for new segments (and whether they took a spare); in steady mode compacts
    // once a segment has filled, so its file becomes a spare for a later one.
    const watcher = async (): Promise<void> => {
      let segments = s.segmentFiles();
      let spares = s.spareFiles().length;
      while (performance.now() < deadline) {
        await new Promise((r) => setTimeout(r, 10));
        const now = s.segmentFiles();
        const started = now.filter((f) => !segments.includes(f)).length;
        segmentsStarted += started;
        segmentsReused += Math.min(started, Math.max(0, spares - s.spareFiles().length));
        if (steady && now.length > 1) await snapshotAndCompact(s, durable);
        segments = s.segmentFiles();
        spares = s.spareFiles().length;
      }
    };
    const watching = watcher();
    await Promise.all(Array.from({ length: proposers }, proposer));
    elapsed += (performance.now() - t0) / 1000; // the proposers' time, not the watcher's last sleep
    await watching;
    await between((fs.bytes - bytes0) / (fs.syncs - syncs0));
  }
  await s.close();
  const sorted = Float64Array.from(latencies).sort();
  return {
    entrySize,
    proposers,
    steady,
    segmentsStarted,
    segmentsReused,
    entries,
    seconds: elapsed,
    walBytes: fs.bytes - bytes0,
    syncs: fs.syncs - syncs0,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
  };
}
