import type { Entry } from '@raft/raft-core';
import { FileStorage } from '@raft/raft-storage';
import { CountingFs } from './storage-counting-fs';

/** One group-commit run: `proposers` concurrent loops, each awaiting its save before the next. */
export interface AppendResult {
  readonly entrySize: number;
  readonly proposers: number;
  readonly entries: number;
  readonly seconds: number;
  /** Bytes written to the WAL (framing and segment heads included). */
  readonly walBytes: number;
  readonly syncs: number;
  /** Time to durable (save called → promise resolved), milliseconds. */
  readonly p50: number;
  readonly p99: number;
}

const quantile = (sorted: Float64Array, q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

/**
 * Appends single-entry saves of `entrySize`-byte payloads from `proposers` concurrent
 * proposers, through FileStorage with its default 64 MiB segments, in `rounds` slices of
 * `seconds / rounds`. Each proposer takes the next index and calls save synchronously, so
 * calls stay contiguous; group commit batches whatever arrives while an fdatasync is in
 * flight. Between slices (all proposers idle) `between` runs with the bytes per fdatasync
 * seen so far — the raw loop, interleaved so both see the same disk weather.
 */
export async function runAppend(
  dir: string,
  entrySize: number,
  proposers: number,
  seconds: number,
  rounds: number,
  between: (bytesPerSync: number) => Promise<void>,
): Promise<AppendResult> {
  const fs = new CountingFs();
  const s = await FileStorage.open(dir, { fs });
  await s.load();
  const data = new Uint8Array(entrySize).fill(120);
  let next = 0;
  const entry = (): Entry => ({ index: ++next, term: 1, type: 'normal', data });
  for (let k = 0; k < 20; k++) await s.save(null, [entry()]); // warm-up: segment created, JIT warm
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
        await s.save(null, [entry()]);
        now = performance.now();
        latencies.push(now - start);
        entries++;
      }
    };
    await Promise.all(Array.from({ length: proposers }, proposer));
    elapsed += (performance.now() - t0) / 1000;
    await between((fs.bytes - bytes0) / (fs.syncs - syncs0));
  }
  await s.close();
  const sorted = Float64Array.from(latencies).sort();
  return {
    entrySize,
    proposers,
    entries,
    seconds: elapsed,
    walBytes: fs.bytes - bytes0,
    syncs: fs.syncs - syncs0,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
  };
}
