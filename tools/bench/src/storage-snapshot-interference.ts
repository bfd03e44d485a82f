// What writing a large snapshot does to the WAL beside it: one closed-loop proposer saves
// 300-byte entries (one durable write each, as a KV put) while a 64 MB snapshot is written in
// 64 KiB chunks and committed. Each round runs three policies in turn: the default (flushed
// every SNAPSHOT_SYNC_BYTES and paced to SNAPSHOT_WRITE_BYTES_PER_SECOND), flushed every
// SNAPSHOT_SYNC_BYTES but unpaced, and unpaced with one flush at commit (the behaviour before
// both). Prints the WAL save latencies while the snapshot was being written, and how long
// the snapshot took.
//   npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/src/storage-snapshot-interference.ts [--rounds 3] [--mb 64]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Entry, SnapshotMeta } from '@raft/raft-core';
import { FileStorage, SNAPSHOT_SYNC_BYTES, SNAPSHOT_WRITE_BYTES_PER_SECOND } from '@raft/raft-storage';
import { argValue } from './cli-arg';

const rounds = Number(argValue('rounds', '3'));
const snapshotBytes = Number(argValue('mb', '64')) * 1024 * 1024;
const CHUNK = 64 * 1024;
const config = { voters: ['n1'], learners: [], outgoing: [] };

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;

async function measure(syncBytes: number, bytesPerSecond: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'snapshot-interference-'));
  try {
    const storage = await FileStorage.open(dir, { snapshotSyncBytes: syncBytes, snapshotWriteBytesPerSecond: bytesPerSecond });
    await storage.load();
    let index = 0;
    let writing = true;
    const latencies: number[] = [];
    const proposer = (async () => {
      while (writing) {
        const entry: Entry = { index: ++index, term: 1, type: 'normal', data: new Uint8Array(300).fill(1) };
        const t0 = performance.now();
        await storage.save(null, [entry]);
        latencies.push(performance.now() - t0);
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 500)); // the WAL alone first
    latencies.length = 0;
    const t0 = performance.now();
    const meta: SnapshotMeta = { index: 1, term: 1, config };
    const writer = await storage.createSnapshot(meta);
    const chunk = Buffer.alloc(CHUNK, 7);
    for (let written = 0; written < snapshotBytes; written += CHUNK) {
      await writer.write(chunk);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await writer.commit();
    const snapshotMs = performance.now() - t0;
    writing = false;
    await proposer;
    await storage.close();
    const sorted = [...latencies].sort((a, b) => a - b);
    const flush = syncBytes === 0 ? 'flush at commit only' : `flush every ${(syncBytes / 1024 / 1024).toFixed(0)} MiB`;
    const name = `${flush}, ${bytesPerSecond === 0 ? 'unpaced' : `paced to ${bytesPerSecond / 1024 / 1024} MiB/s`}`.padEnd(42);
    return `${name} WAL saves ${String(sorted.length).padStart(5)}: p50 ${percentile(sorted, 50).toFixed(2)} / p99 ${percentile(sorted, 99).toFixed(2)} / max ${(sorted[sorted.length - 1] ?? 0).toFixed(2)} ms; snapshot ${snapshotMs.toFixed(0)} ms`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  for (let round = 1; round <= rounds; round++) {
    console.log(`round ${round}, ${snapshotBytes / 1024 / 1024} MB snapshot:`);
    console.log(`  ${await measure(SNAPSHOT_SYNC_BYTES, SNAPSHOT_WRITE_BYTES_PER_SECOND)}`);
    console.log(`  ${await measure(SNAPSHOT_SYNC_BYTES, 0)}`);
    console.log(`  ${await measure(0, 0)}`);
  }
}

void main();
