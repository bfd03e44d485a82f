import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStorage, nodeFileSystem, openForWrite, type FileSystem } from '@raft/raft-storage';
import { runOnDisk } from '../testing/disk-run';
import { seedConfig } from './profiles';
import { Simulator } from './simulator';

// The simulator with every server on real files (FileStorage under a temp dir): a crash
// drops the storage object and the restarted server runs on what a fresh FileStorage
// load()s from the same directory. SIM_DISK_SEEDS / SIM_DISK_FROM widen the slice.
const FROM = Number(process.env['SIM_DISK_FROM'] ?? 1);
const SEEDS = Number(process.env['SIM_DISK_SEEDS'] ?? 20);
const TICKS = 1500;
const NODES = 3;
const SLOW_DISK_SEEDS = Math.min(SEEDS, 8);

/**
 * node:fs with fsync/fdatasync as no-ops and WAL segments opened without O_DSYNC. A simulated crash only drops objects, the page
 * cache survives it (as with kill -9), so syncs cannot change what is read back; skipping
 * them keeps 20 seeds within seconds on a disk where one fdatasync costs milliseconds.
 * Sync ordering and fdatasync-before-ack are tested in raft-storage itself.
 */
function noSyncFs(counter: { syncs: number }): FileSystem {
  const skip = async (): Promise<void> => void counter.syncs++;
  const writeDurable = (fd: number, chunks: readonly Buffer[], position: number): Promise<void> => {
    counter.syncs++;
    return nodeFileSystem.writeDurable(fd, chunks, position);
  };
  return { ...nodeFileSystem, openDurable: (p) => openForWrite(p, false), writeDurable, fdatasync: skip, fsync: skip, syncDir: skip };
}

jest.setTimeout(120_000);

describe(`simulation on FileStorage: ${NODES} nodes, seeds ${FROM}..${FROM + SEEDS - 1}, ${TICKS} ticks`, () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'raft-sim-disk-'));
    process.stdout.write(`simulation on FileStorage: seeds ${FROM}..${FROM + SEEDS - 1} under ${root}\n`);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('keeps every invariant, recovers exactly what was persisted after every crash, and replays the in-memory run', async () => {
    const counter = { syncs: 0 };
    const fs = noSyncFs(counter);
    let crashes = 0;
    let recoveries = 0;
    let snapshots = 0;
    for (let seed = FROM; seed < FROM + SEEDS; seed++) {
      const dir = join(root, `seed-${seed}`);
      // Small segments so runs rotate segments and compaction deletes whole ones.
      const run = await runOnDisk(seed, NODES, TICKS, (id) => FileStorage.open(join(dir, id), { fs, segmentBytes: 16 * 1024 }));
      const memory = new Simulator(seedConfig(seed, NODES)).run(TICKS);
      // Same trace as with MemoryStorage: every restart read back exactly the durable state.
      expect({ seed, digest: run.result.traceDigest, committed: run.result.committed }).toEqual({ seed, digest: memory.traceDigest, committed: memory.committed });
      expect(run.result.ticks).toBe(TICKS);
      expect(run.recoveries).toBe(run.result.crashes + NODES);
      crashes += run.result.crashes;
      recoveries += run.recoveries;
      snapshots += run.result.snapshotsTaken + run.result.snapshotsInstalled;
      rmSync(dir, { recursive: true, force: true });
    }
    expect(crashes).toBeGreaterThan(SEEDS);
    expect(snapshots).toBeGreaterThan(SEEDS);
    expect(counter.syncs).toBeGreaterThan(0);
    process.stdout.write(`simulation on FileStorage: ${SEEDS} seeds, ${crashes} crashes, ${recoveries} recoveries from disk, ${snapshots} snapshots\n`);
  });

  it('with slow disks (writes in flight while the servers keep working) also matches the in-memory run', async () => {
    const fs = noSyncFs({ syncs: 0 });
    let crashes = 0;
    for (let seed = FROM; seed < FROM + SLOW_DISK_SEEDS; seed++) {
      const dir = join(root, `slow-${seed}`);
      const run = await runOnDisk(seed, NODES, TICKS, (id) => FileStorage.open(join(dir, id), { fs, segmentBytes: 16 * 1024 }), { slowDisk: 8 });
      const memory = new Simulator(seedConfig(seed, NODES, 8)).run(TICKS);
      expect({ seed, digest: run.result.traceDigest, committed: run.result.committed }).toEqual({ seed, digest: memory.traceDigest, committed: memory.committed });
      expect(run.recoveries).toBe(run.result.crashes + NODES);
      crashes += run.result.crashes;
      rmSync(dir, { recursive: true, force: true });
    }
    expect(crashes).toBeGreaterThan(SLOW_DISK_SEEDS);
  });
});

