// Main-thread cost of encoding one entry for the WAL: into a Buffer of its own (what
// FileStorage did before its staging buffers; above Node's 4 KiB pool every such Buffer is a
// fresh allocation) against into a large reused buffer (what it does now), and of framing 64
// staged entries as one record (the header and its one CRC, done when the write takes them).
// Then the synchronous part of 64 real `FileStorage.save` calls, the work that sits between
// two disk writes when 64 proposers save again as soon as their write returns.
//   npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/src/storage-record-encoding.ts [--bytes 4096]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Entry } from '@raft/raft-core';
import { encodeEntryInto, entryEncodedSize, FileStorage, frameEntries, segmentFraming } from '@raft/raft-storage';

const i = process.argv.indexOf('--bytes');
const bytes = Number(i > 0 ? process.argv[i + 1] : 4096);
if (!(Number.isInteger(bytes) && bytes > 0)) throw new Error('--bytes must be a positive integer');
const entry: Entry = { index: 1, term: 1, type: 'normal', data: new Uint8Array(bytes).fill(120) };
const size = entryEncodedSize(entry);
const framing = segmentFraming(1);
const N = 100_000;

function nsPerRecord(encode: (k: number) => void): number {
  for (let k = 0; k < N / 5; k++) encode(k); // JIT warm-up
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < N; k++) encode(k);
  return Number(process.hrtime.bigint() - t0) / N;
}

async function saveBatchMicros(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'record-encoding-'));
  try {
    const s = await FileStorage.open(dir);
    await s.load();
    let index = 0;
    let spent = 0n;
    for (let round = 0; round < 220; round++) {
      const t0 = process.hrtime.bigint();
      const saves: Promise<void>[] = [];
      for (let k = 0; k < 64; k++) saves.push(s.save(null, [{ ...entry, index: ++index }]));
      if (round >= 20) spent += process.hrtime.bigint() - t0; // the first rounds warm up
      await Promise.all(saves);
    }
    await s.close();
    return Number(spent) / 200 / 1000;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const arena = Buffer.allocUnsafeSlow(1024 * 1024);
  const slots = Math.floor(arena.length / size);
  for (let round = 1; round <= 3; round++) {
    const own = nsPerRecord(() => void encodeEntryInto(entry, Buffer.allocUnsafe(size), 0));
    const reused = nsPerRecord((k) => void encodeEntryInto(entry, arena, (k % slots) * size));
    const run = arena.subarray(0, 64 * size);
    const framed = nsPerRecord(() => void frameEntries(run, framing));
    console.log(
      `round ${round}: ${bytes}-byte entry encoded: own Buffer ${(own / 1000).toFixed(2)} µs, reused buffer ${(reused / 1000).toFixed(2)} µs; 64 of them framed as one record ${(framed / 1000).toFixed(2)} µs`,
    );
  }
  console.log(`64 FileStorage.save calls (synchronous part, mean of 200 batches): ${(await saveBatchMicros()).toFixed(0)} µs`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
