import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Entry, HardState, SnapshotMeta } from '@raft/raft-core';
import { entries, FaultyFs, tempDir, text } from '../test/helpers';
import { StorageIOError, StorageUsageError } from './errors';
import { FileStorage } from './file-storage';
import { SNAPSHOT_SYNC_BYTES } from './snapshot-store';

const config = { voters: ['n1', 'n2', 'n3'], learners: [], outgoing: [] };
const meta = (index: number, term: number): SnapshotMeta => ({ index, term, config });

async function reopen(dir: string, opts = {}): Promise<{ s: FileStorage; state: Awaited<ReturnType<FileStorage['load']>> }> {
  const s = await FileStorage.open(dir, opts);
  return { s, state: await s.load() };
}

async function writeSnapshot(s: FileStorage, m: SnapshotMeta, body: string): Promise<void> {
  const w = await s.createSnapshot(m);
  await w.write(Buffer.from(body));
  await w.commit();
}

async function readAll(s: FileStorage): Promise<string> {
  const r = await s.openSnapshot();
  const parts: Buffer[] = [];
  for await (const c of r!.chunks(4)) parts.push(Buffer.from(c));
  return Buffer.concat(parts).toString();
}

describe('FileStorage', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  it('round-trips entries of every type and hard state across a clean reopen', async () => {
    const { s } = await reopen(t.dir);
    await s.save({ term: 3, vote: 'n2', commit: 2 }, [
      { index: 1, term: 1, type: 'noop', data: new Uint8Array() },
      { index: 2, term: 3, type: 'config', data: Buffer.from('{"voters":[]}') },
      { index: 3, term: 3, type: 'normal', data: Buffer.from([0, 1, 255]) },
    ]);
    await s.save({ term: 4, vote: null, commit: 3 }, []);
    await s.close();
    const { state } = await reopen(t.dir);
    expect(state.hardState).toEqual({ term: 4, vote: null, commit: 3 });
    expect(state.snapshot).toBeNull();
    expect(state.entries.map((e) => [e.index, e.term, e.type, [...e.data]])).toEqual([
      [1, 1, 'noop', []],
      [2, 3, 'config', [...Buffer.from('{"voters":[]}')]],
      [3, 3, 'normal', [0, 1, 255]],
    ]);
  });

  it('replacing a conflicting suffix is durable', async () => {
    const { s } = await reopen(t.dir);
    await s.save(null, entries(1, 10, 1));
    await s.save(null, entries(6, 8, 2));
    await s.close();
    const { state } = await reopen(t.dir);
    expect(state.entries.map((e) => `${e.index}:${e.term}`)).toEqual(['1:1', '2:1', '3:1', '4:1', '5:1', '6:2', '7:2', '8:2']);
  });

  it('group commit: concurrent saves share fdatasyncs, and none resolves before its sync', async () => {
    const fs = new FaultyFs();
    const { s } = await reopen(t.dir, { fs });
    const syncsBefore = fs.syncs;
    const resolvedAfterSyncs: number[] = [];
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => s.save(null, entries(i + 1, i + 1)).then(() => resolvedAfterSyncs.push(fs.syncs))),
    );
    const used = fs.syncs - syncsBefore;
    expect(used).toBeGreaterThanOrEqual(1);
    expect(used).toBeLessThan(20);
    expect(Math.min(...resolvedAfterSyncs)).toBeGreaterThan(syncsBefore);
    await s.close();
    expect((await reopen(t.dir)).state.entries).toHaveLength(200);
  });

  it('group commit: proposers that save again as soon as their write returns all go into the next write', async () => {
    const fs = new FaultyFs();
    const { s } = await reopen(t.dir, { fs });
    await s.save(null, entries(1, 1));
    let next = 1;
    const proposers = 16;
    const rounds = 10;
    const syncsBefore = fs.syncs;
    await Promise.all(
      Array.from({ length: proposers }, async () => {
        for (let r = 0; r < rounds; r++) await s.save(null, entries(++next, next));
      }),
    );
    // One write per round: a write starting with the first continuation alone would take
    // two per round (1 entry, then the other 15).
    expect(fs.syncs - syncsBefore).toBe(rounds);
    await s.close();
    expect((await reopen(t.dir)).state.entries.map((e) => e.index)).toEqual(Array.from({ length: next }, (_, i) => i + 1));
  });

  it('group commit: the saves of one write share one promise, and their entries one record and one buffer', async () => {
    const fs = new FaultyFs();
    const { s } = await reopen(t.dir, { fs });
    await s.save(null, entries(1, 1));
    const first = fs.chunksPerWrite.length;
    const saves = Array.from({ length: 32 }, (_, i) => s.save(null, entries(i + 2, i + 2)));
    const withHardState = s.save({ term: 1, vote: 'n1', commit: 3 }, entries(34, 35));
    expect(new Set([...saves, withHardState]).size).toBe(1);
    await Promise.all([...saves, withHardState]);
    // One durable write: the header of one entries record, 34 saves' entries as one view of
    // the staging buffer, then the hard-state record.
    expect(fs.chunksPerWrite.slice(first)).toEqual([3]);
    await s.close();
    const { state } = await reopen(t.dir);
    expect(state.entries.map((e) => e.index)).toEqual(Array.from({ length: 35 }, (_, i) => i + 1));
    expect(state.hardState).toEqual({ term: 1, vote: 'n1', commit: 3 });
  });

  it('a malformed entry (unknown type, from an untyped caller) is refused before anything changes', async () => {
    const { s } = await reopen(t.dir);
    await s.save(null, entries(1, 3));
    const bogus = { index: 2, term: 2, type: 'bogus', data: new Uint8Array(1) } as unknown as Entry;
    // It would replace entries 2-3: neither its truncation nor the bookkeeping may happen.
    await expect(s.save({ term: 2, vote: null, commit: 0 }, [bogus])).rejects.toThrow(new StorageUsageError('save: entry 1 of 1: unknown entry type bogus'));
    await s.save(null, entries(4, 5));
    await s.close();
    const { state } = await reopen(t.dir);
    expect(state.entries.map((e) => `${e.index}:${e.term}`)).toEqual(['1:1', '2:1', '3:1', '4:1', '5:1']);
    expect(state.hardState.term).toBe(0);
  });

  it('bad input to save is a StorageUsageError naming the problem, and changes nothing', async () => {
    const { s } = await reopen(t.dir);
    await s.save({ term: 1, vote: null, commit: 0 }, entries(1, 2));
    const cases: [HardState | null, Entry[], string][] = [
      [null, [...entries(3, 3), ...entries(5, 5)], 'save: entry 2 of 2: index 5 does not follow 3 (the entries of one save are consecutive)'],
      [null, [{ ...entries(3, 3)[0]!, index: Number.NaN }], 'save: entry 1 of 1: index must be a positive safe integer, got NaN'],
      [null, entries(3, 3, -1), 'save: entry 1 of 1: term must be a non-negative safe integer, got -1'],
      [null, [{ ...entries(3, 3)[0]!, data: 'text' as unknown as Uint8Array }], 'save: entry 1 of 1: data must be a Uint8Array'],
      [{ term: 1.5, vote: null, commit: 0 }, entries(3, 3), 'save: hard state term must be a non-negative safe integer, got 1.5'],
      [{ term: 1, vote: 7 as unknown as string, commit: 0 }, [], 'save: hard state vote must be a string or null'],
      [{ term: 1, vote: '', commit: 0 }, entries(3, 3), 'save: hard state vote must be a node id or null, got an empty string'],
      [{ term: 1, vote: 'n'.repeat(0x10000), commit: 0 }, entries(3, 3), 'save: hard state vote must be at most 65535 bytes of UTF-8'],
    ];
    for (const [hard, list, message] of cases) {
      const error = (await s.save(hard, list).catch((e: unknown) => e)) as StorageUsageError;
      expect([error, error.message]).toEqual([expect.any(StorageUsageError), message]);
    }
    await s.save(null, entries(3, 3));
    await s.close();
    const { state } = await reopen(t.dir);
    expect(state.entries.map((e) => `${e.index}:${e.term}`)).toEqual(['1:1', '2:1', '3:1']);
    expect(state.hardState).toEqual({ term: 1, vote: null, commit: 0 });
  });

  it('records staged in reused buffers reach the disk intact (entries above and below the pool size, many writes)', async () => {
    const { s } = await reopen(t.dir, { segmentBytes: 8 * 1024 * 1024 });
    const sizes = [5000, 100, 300_000, 4096, 2_000_000, 7];
    let next = 0;
    const written: Entry[] = [];
    const saves: Promise<void>[] = [];
    for (let round = 0; round < 30; round++) {
      for (let k = 0; k < 4; k++) {
        const size = sizes[(round + k) % sizes.length]!;
        const e: Entry = { index: ++next, term: 1, type: 'normal', data: new Uint8Array(size).fill((next * 31) & 0xff) };
        written.push(e);
        saves.push(s.save(null, [e]));
      }
      // Saves keep arriving while earlier writes are in flight (staged beside them).
      if (round % 3 === 2) await new Promise((r) => setImmediate(r));
    }
    await Promise.all(saves);
    await s.close();
    const { state } = await reopen(t.dir);
    expect(state.entries).toHaveLength(written.length);
    state.entries.forEach((e, i) => expect(Buffer.from(e.data).equals(Buffer.from(written[i]!.data))).toBe(true));
  });

  it('rotates segments, and compaction after a snapshot deletes the segments wholly below it', async () => {
    const { s } = await reopen(t.dir, { segmentBytes: 4096, recycleSegments: 0 });
    for (let i = 0; i < 20; i++) await s.save({ term: 1, vote: 'n1', commit: i * 10 }, entries(i * 10 + 1, i * 10 + 10, 1, 60));
    const before = s.segmentFiles().length;
    expect(before).toBeGreaterThan(3);
    await writeSnapshot(s, meta(150, 1), 'state@150');
    await s.compact(150);
    const after = s.segmentFiles();
    expect(after.length).toBeLessThan(before);
    expect(readdirSync(join(t.dir, 'wal')).length).toBe(after.length);
    await s.close();
    const { state } = await reopen(t.dir, { segmentBytes: 4096 });
    expect(state.snapshot).toEqual(meta(150, 1));
    expect(state.entries[0]!.index).toBe(151);
    expect(state.entries[state.entries.length - 1]!.index).toBe(200);
    expect(state.hardState).toEqual({ term: 1, vote: 'n1', commit: 190 });
  });

  it('a new snapshot replaces the previous one only once complete; an aborted one leaves it in place', async () => {
    const { s } = await reopen(t.dir);
    await s.save(null, entries(1, 20));
    await writeSnapshot(s, meta(10, 1), 'ten');
    const w = await s.createSnapshot(meta(15, 1));
    await w.write(Buffer.from('fifteen'));
    expect(s.current()).toEqual(meta(10, 1)); // not visible before commit
    await w.abort();
    expect(await readAll(s)).toBe('ten');
    await writeSnapshot(s, meta(20, 1), 'twenty');
    expect(s.current()).toEqual(meta(20, 1));
    expect(text(s.read(meta(20, 1), 2, 3))).toBe('ent');
    expect(s.size(meta(20, 1))).toBe(6);
    expect(readdirSync(join(t.dir, 'snap'))).toEqual(['00000000000000000020-1.snap']);
  });

  it('flushes a snapshot file to disk every SNAPSHOT_SYNC_BYTES as it is written, not all at commit', async () => {
    const fs = new FaultyFs();
    const { s } = await reopen(t.dir, { fs });
    await s.save(null, entries(1, 20));
    const w = await s.createSnapshot(meta(10, 1));
    const chunk = Buffer.alloc(SNAPSHOT_SYNC_BYTES / 4, 7);
    const syncsAt: number[] = [];
    const before = fs.syncs;
    for (let i = 0; i < 20; i++) {
      await w.write(chunk);
      syncsAt.push(fs.syncs - before);
    }
    // One flush after every fourth quarter-MiB chunk: 5 MiB written, 5 flushes before commit.
    expect(syncsAt).toEqual([0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5]);
    await w.commit();
    const r = await reopen(t.dir);
    expect(r.state.snapshot).toEqual(meta(10, 1));
    expect(r.s.size(meta(10, 1))).toBe(5 * SNAPSHOT_SYNC_BYTES);
  });

  it('paces snapshot writes to snapshotWriteBytesPerSecond, waiting only when ahead of that rate', async () => {
    let now = 1000;
    const sleeps: number[] = [];
    const clock = { now: () => now, sleep: async (ms: number) => void (sleeps.push(ms), (now += ms)) };
    const { s } = await reopen(t.dir, { snapshotClock: clock, snapshotWriteBytesPerSecond: 1024 * 1024 });
    await s.save(null, entries(1, 20));
    const w = await s.createSnapshot(meta(10, 1));
    const quarter = Buffer.alloc(256 * 1024, 3);
    await w.write(quarter);
    now += 100; // the caller took 100 ms to produce the next chunk: only 150 ms left to wait
    await w.write(quarter);
    now += 400; // the caller fell behind the rate: no wait after the third chunk…
    await w.write(quarter);
    await w.write(quarter); // …and after the fourth, only until 1 MiB is 1 s after the start
    await w.commit();
    expect(sleeps).toEqual([250, 150, 100]);
    expect(s.size(meta(10, 1))).toBe(1024 * 1024);
    const unpaced = await reopen(t.dir, { snapshotClock: clock, snapshotWriteBytesPerSecond: 0 });
    sleeps.length = 0;
    const w2 = await unpaced.s.createSnapshot(meta(15, 1));
    for (let i = 0; i < 4; i++) await w2.write(quarter);
    await w2.commit();
    expect(sleeps).toEqual([]);
  });

  it('a failed flush while writing a snapshot is a typed I/O error and leaves the previous snapshot current', async () => {
    const fs = new FaultyFs();
    const { s } = await reopen(t.dir, { fs });
    await s.save(null, entries(1, 20));
    await writeSnapshot(s, meta(5, 1), 'five');
    const w = await s.createSnapshot(meta(10, 1));
    fs.failNextSync = 'EIO';
    await expect(w.write(Buffer.alloc(SNAPSHOT_SYNC_BYTES, 1))).rejects.toThrow(StorageIOError);
    await w.abort();
    expect(s.current()).toEqual(meta(5, 1));
    expect(await readAll(s)).toBe('five');
  });

  it('a local snapshot finishing after a newer one was installed is discarded, not made current', async () => {
    const { s } = await reopen(t.dir);
    await s.save(null, entries(1, 30));
    const slow = await s.createSnapshot(meta(10, 1));
    await slow.write(Buffer.from('old'));
    for (const [off, part] of [[0, 'new'], [3, 'er']] as const) await s.writeSnapshotChunk({ meta: meta(25, 1), offset: off, data: Buffer.from(part), done: off === 3 });
    await s.installSnapshot(meta(25, 1));
    await slow.commit();
    expect(s.current()).toEqual(meta(25, 1));
    expect(await readAll(s)).toBe('newer');
    expect(readdirSync(join(t.dir, 'snap'))).toEqual(['00000000000000000025-1.snap']);
    await s.compact(10); // the host still compacts to the obsolete one: a no-op, not an error
    await s.close();
    const again = await reopen(t.dir);
    expect(again.state.snapshot).toEqual(meta(25, 1));
    await again.s.close();
  });

  it('installs a received snapshot: keeps a matching suffix, discards a conflicting log', async () => {
    const { s } = await reopen(t.dir);
    await s.save(null, entries(1, 12, 1));
    for (const [off, part] of [[0, 'rem'], [3, 'ote']] as const) await s.writeSnapshotChunk({ meta: meta(10, 1), offset: off, data: Buffer.from(part), done: off === 3 });
    await s.installSnapshot(meta(10, 1));
    await s.close();
    let r = await reopen(t.dir);
    expect(r.state.snapshot).toEqual(meta(10, 1));
    expect(r.state.entries.map((e) => e.index)).toEqual([11, 12]);
    expect(await readAll(r.s)).toBe('remote');
    await r.s.writeSnapshotChunk({ meta: meta(11, 5), offset: 0, data: Buffer.from('x'), done: true });
    await r.s.installSnapshot(meta(11, 5)); // our entry 11 has term 1 ≠ 5: discard the log
    await r.s.save(null, entries(12, 13, 5));
    await r.s.close();
    r = await reopen(t.dir);
    expect(r.state.snapshot).toEqual(meta(11, 5));
    expect(r.state.entries.map((e) => `${e.index}:${e.term}`)).toEqual(['12:5', '13:5']);
  });

  it('an injected ENOSPC fails the batch and every later write; nothing is acknowledged', async () => {
    const fs = new FaultyFs();
    const { s } = await reopen(t.dir, { fs });
    await s.save(null, entries(1, 2));
    fs.failNextWrite = 'ENOSPC';
    const failed = s.save(null, entries(3, 4)).catch((e: unknown) => e);
    const alsoFailed = s.save(null, entries(5, 5)).catch((e: unknown) => e);
    const e1 = await failed;
    expect(e1).toBeInstanceOf(StorageIOError);
    expect((e1 as StorageIOError).errno).toBe('ENOSPC');
    expect(await alsoFailed).toBeInstanceOf(StorageIOError);
    await expect(s.save({ term: 9, vote: null, commit: 0 }, [])).rejects.toBeInstanceOf(StorageIOError);
    await s.close();
    expect((await reopen(t.dir)).state.entries.map((e) => e.index)).toEqual([1, 2]);
  });

  it('an EIO from fdatasync is not acknowledged either', async () => {
    const fs = new FaultyFs();
    const { s } = await reopen(t.dir, { fs });
    fs.failNextSync = 'EIO';
    const r = await s.save(null, entries(1, 1)).catch((e: unknown) => e);
    expect(r).toMatchObject({ code: 'STORAGE_IO', errno: 'EIO' });
  });
});
