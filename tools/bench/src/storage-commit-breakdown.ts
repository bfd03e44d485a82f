// Where a group commit's time goes with closed-loop proposers: each commit is the main
// thread's work between two durable writes (resuming the proposers whose write returned,
// their next saves encoding their entries, the write framing them with one CRC32C) plus the durable write as the main
// thread sees it (thread-pool hand-off both ways + the disk). In the same run, the same bytes
// per sync through a synchronous write + fdatasync loop (bench:storage's raw loop) and a
// synchronous O_DSYNC pwritev (the write FileStorage issues, without the hand-off).
//   npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/src/storage-commit-breakdown.ts [--entry 4096] [--proposers 64] [--seconds 3] [--preallocate BYTES]
import { closeSync, constants, fsyncSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync, writevSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Entry } from '@raft/raft-core';
import { FileStorage, nodeFileSystem } from '@raft/raft-storage';
import { argValue } from './cli-arg';
import { CountingFs } from './storage-counting-fs';
import { runRaw } from './storage-raw';

const entrySize = Number(argValue('entry', '4096'));
const proposers = Number(argValue('proposers', '64'));
const seconds = Number(argValue('seconds', '3'));
const preallocateArg = argValue('preallocate', '');
const preallocateBytes = preallocateArg === '' ? undefined : Number(preallocateArg);
// --prezeroed MiB: the first segment already exists as that many MiB of zeros, written and
// synced before the run (what a recycled segment would give: every commit overwrites).
const prezeroedMiB = Number(argValue('prezeroed', '0'));
if (![entrySize, proposers].every((n) => Number.isInteger(n) && n > 0) || !(seconds > 0)) {
  throw new Error('--entry and --proposers must be positive integers, --seconds positive');
}

/** node:fs with every durable record write's submission and completion time (ms). */
class TimingFs extends CountingFs {
  readonly submitted: number[] = [];
  readonly completed: number[] = [];
  readonly sizes: number[] = [];
  override writeDurable = (fd: number, chunks: readonly Buffer[], position: number): Promise<void> => {
    let n = 0;
    for (const c of chunks) n += c.length;
    this.bytes += n;
    this.syncs++;
    this.sizes.push(n);
    this.submitted.push(performance.now());
    return nodeFileSystem.writeDurable(fd, chunks, position).then(() => void this.completed.push(performance.now()));
  };
}

const mean = (a: readonly number[]): number => a.reduce((x, y) => x + y, 0) / a.length;
const quantile = (a: readonly number[], q: number): number => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(a.length * q))]!;
const us = (ms: number): string => (ms * 1000).toFixed(0);

interface WalRun {
  readonly bytesPerCommit: number;
  readonly commitMs: number;
  readonly gaps: number[];
  readonly writes: number[];
  readonly zeroFilledMB: number;
}

function prezero(dir: string, mib: number): void {
  mkdirSync(join(dir, 'wal'), { recursive: true });
  const fd = openSync(join(dir, 'wal', '00000000000000000001.wal'), 'w');
  const zeros = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < mib; i++) writeSync(fd, zeros);
  fsyncSync(fd);
  closeSync(fd);
}

async function walRun(dir: string): Promise<WalRun> {
  const fs = new TimingFs();
  if (prezeroedMiB > 0) prezero(dir, prezeroedMiB);
  const s = await FileStorage.open(dir, { fs, preallocateBytes, ...(prezeroedMiB > 0 ? { segmentBytes: prezeroedMiB * 1024 * 1024 } : {}) });
  await s.load();
  const data = new Uint8Array(entrySize).fill(120);
  let next = 0;
  const entry = (): Entry => ({ index: ++next, term: 1, type: 'normal', data });
  for (let k = 0; k < 20; k++) await s.save(null, [entry()]);
  const first = fs.submitted.length;
  const zero0 = fs.zeroBytes;
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: proposers }, async () => {
    while (performance.now() < end) await s.save(null, [entry()]);
  }));
  const elapsed = performance.now() - t0;
  await s.close();
  const submitted = fs.submitted.slice(first);
  const completed = fs.completed.slice(first);
  const gaps: number[] = [];
  const writes: number[] = [];
  for (let i = 0; i < submitted.length; i++) {
    writes.push(completed[i]! - submitted[i]!);
    if (i > 0) gaps.push(submitted[i]! - completed[i - 1]!);
  }
  return { bytesPerCommit: mean(fs.sizes.slice(first)), commitMs: elapsed / submitted.length, gaps, writes, zeroFilledMB: (fs.zeroBytes - zero0) / 1e6 };
}

/** Mean ms per write + fdatasync of `bytes`: bench:storage's raw loop. */
function rawLoop(dir: string, bytes: number): number {
  const path = join(dir, 'raw.dat');
  try {
    const r = runRaw(path, bytes, seconds);
    return (r.seconds * 1000) / r.syncs;
  } finally {
    rmSync(path);
  }
}

/** Mean ms per synchronous O_DSYNC pwritev of `bytes`: FileStorage's write without the thread-pool hand-off. */
function dsyncLoop(dir: string, bytes: number): number {
  const buf = Buffer.alloc(Math.round(bytes), 120);
  const path = join(dir, 'dsync.dat');
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_DSYNC);
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  let n = 0;
  try {
    while (performance.now() < end) writevSync(fd, [buf], n++ * buf.length);
  } finally {
    closeSync(fd);
    rmSync(path);
  }
  return (performance.now() - t0) / n;
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'commit-breakdown-'));
  console.log(`${entrySize}-byte entries, ${proposers} closed-loop proposers, ${seconds} s per part, three rounds; µs per commit (means, p90 in brackets)`);
  try {
    for (let round = 1; round <= 3; round++) {
      const w = await walRun(join(root, `wal-${round}`));
      rmSync(join(root, `wal-${round}`), { recursive: true, force: true });
      const raw = rawLoop(root, w.bytesPerCommit);
      const dsync = dsyncLoop(root, w.bytesPerCommit);
      console.log(
        `round ${round}: ${Math.round(w.bytesPerCommit)} B per commit; FileStorage ${us(w.commitMs)} per commit = main thread ${us(mean(w.gaps))} [${us(quantile(w.gaps, 0.9))}]` +
          ` + durable write as the main thread sees it ${us(mean(w.writes))} [${us(quantile(w.writes, 0.9))}] (zero-filled ${w.zeroFilledMB.toFixed(0)} MB beside);` +
          ` synchronous write + fdatasync ${us(raw)}, synchronous O_DSYNC pwritev ${us(dsync)}; FileStorage ÷ raw ${(raw / w.commitMs).toFixed(2)}x`,
      );
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
