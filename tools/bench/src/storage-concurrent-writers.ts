// How one disk takes several WALs syncing at once, as three raft nodes on one machine do:
// 1 and then N FileStorage instances (own directories, one proposer each, 300-byte
// entries), the mean time per durable write of each, and the writes/s of all together.
//   npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/src/storage-concurrent-writers.ts [--writers 3] [--seconds 3] [--dir DIR]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Entry } from '@raft/raft-core';
import { FileStorage } from '@raft/raft-storage';
import { argValue } from './cli-arg';


/** One proposer saving one entry at a time for `seconds`; resolves to its durable writes. */
async function proposer(storage: FileStorage, seconds: number): Promise<number> {
  const data = new Uint8Array(300).fill(120);
  let index = 0;
  const entry = (): Entry => ({ index: ++index, term: 1, type: 'normal', data });
  for (let k = 0; k < 20; k++) await storage.save(null, [entry()]); // segment created, JIT warm
  const start = index;
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) await storage.save(null, [entry()]);
  return index - start;
}

async function round(writers: number, seconds: number, base: string): Promise<void> {
  const dirs = Array.from({ length: writers }, () => mkdtempSync(join(base, 'wal-writer-')));
  try {
    const storages = await Promise.all(dirs.map(async (d) => {
      const s = await FileStorage.open(d);
      await s.load();
      return s;
    }));
    const counts = await Promise.all(storages.map((s) => proposer(s, seconds)));
    await Promise.all(storages.map((s) => s.close()));
    const total = counts.reduce((a, b) => a + b, 0);
    const perWrite = counts.map((c) => `${((seconds * 1e6) / c).toFixed(0)} µs`).join(', ');
    console.log(`${writers} writer(s): ${(total / seconds).toFixed(0)} durable writes/s in all; time per write ${perWrite}`);
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const writers = Number(argValue('writers', '3'));
  const seconds = Number(argValue('seconds', '3'));
  const base = argValue('dir', tmpdir());
  if (!(Number.isInteger(writers) && writers > 0) || !(seconds > 0)) throw new Error('--writers must be a positive integer and --seconds positive');
  for (let r = 0; r < 2; r++) {
    await round(1, seconds, base);
    await round(writers, seconds, base);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
