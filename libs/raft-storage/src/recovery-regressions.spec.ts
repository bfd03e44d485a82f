import { copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SnapshotMeta } from '@raft/raft-core';
import { entries, FaultyFs, tempDir } from '../test/helpers';
import { WalCorruptionError } from './errors';
import { FileStorage } from './file-storage';

const config = { voters: ['n1', 'n2', 'n3'], learners: [], outgoing: [] };
const meta = (index: number, term: number): SnapshotMeta => ({ index, term, config });

async function open(dir: string, opts: Parameters<typeof FileStorage.open>[1] = {}): Promise<{ s: FileStorage; state: Awaited<ReturnType<FileStorage['load']>> }> {
  const s = await FileStorage.open(dir, { logger: { warn: () => undefined }, ...opts });
  return { s, state: await s.load() };
}

describe('recovery regressions', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  it('an interrupted InstallSnapshot whose index is our last entry: the discard is durable, later appends survive', async () => {
    const scratch = tempDir();
    try {
      const first = await open(t.dir);
      await first.s.save({ term: 1, vote: null, commit: 0 }, entries(1, 10, 1)); // nothing after index 10
      await first.s.close();
      const other = await open(scratch.dir);
      await other.s.writeSnapshotChunk({ meta: meta(10, 2), offset: 0, data: Buffer.from('remote'), done: true });
      await other.s.installSnapshot(meta(10, 2));
      await other.s.close();
      const [name] = readdirSync(join(scratch.dir, 'snap'));
      copyFileSync(join(scratch.dir, 'snap', name!), join(t.dir, 'snap', name!)); // crash after the rename
      const r = await open(t.dir);
      expect([r.state.snapshot, r.state.entries]).toEqual([meta(10, 2), []]);
      await r.s.save({ term: 2, vote: null, commit: 12 }, entries(11, 12, 2)); // acknowledged
      await r.s.close();
      const again = await open(t.dir);
      expect(again.state.entries.map((e) => `${e.index}:${e.term}`)).toEqual(['11:2', '12:2']);
      await again.s.close();
    } finally {
      scratch.cleanup();
    }
  });

  it('an empty last segment (head write failed) gets its head at restart, so compaction keeps the hard state', async () => {
    const fs = new FaultyFs();
    const { s } = await open(t.dir, { fs, segmentBytes: 1100 });
    // Head 88 B (28 B preamble, 31 B hard state, 29 B marker), then saves of 5 × 60 B entries
    // + a 33 B hard state: three fit in 1,100 B.
    for (let i = 0; i < 3; i++) await s.save({ term: 3, vote: 'n2', commit: i * 5 }, entries(i * 5 + 1, i * 5 + 5, 3, 30));
    fs.failNextWrite = 'ENOSPC'; // the next save rotates; the new segment's head write fails
    await expect(s.save(null, entries(16, 20, 3, 30))).rejects.toMatchObject({ code: 'STORAGE_IO', errno: 'ENOSPC' });
    await s.close();
    expect(statSync(join(t.dir, 'wal', '00000000000000000002.wal')).size).toBe(0);
    const r = await open(t.dir, { segmentBytes: 1100 });
    expect(r.state.hardState).toEqual({ term: 3, vote: 'n2', commit: 10 });
    await r.s.save(null, entries(16, 30, 3, 30)); // no hard state in this save
    const w = await r.s.createSnapshot(meta(20, 3));
    await w.write(Buffer.from('state@20'));
    await w.commit();
    await r.s.compact(20); // deletes segment 1, the only other copy of the hard state
    expect(r.s.segmentFiles().map((f) => f.slice(-24))).toEqual(['00000000000000000002.wal']);
    await r.s.close();
    const again = await open(t.dir);
    expect(again.state.hardState).toEqual({ term: 3, vote: 'n2', commit: 10 });
    expect(again.state.entries.map((e) => e.index)).toEqual(entries(21, 30).map((e) => e.index));
    await again.s.close();
  });

  it('damage in the middle of the last segment that looks like a torn tail is refused, not truncated', async () => {
    const { s } = await open(t.dir);
    for (let i = 0; i < 10; i++) await s.save({ term: 1, vote: null, commit: 0 }, entries(i * 10 + 1, i * 10 + 10, 1, 40));
    const [file] = s.segmentFiles();
    await s.close();
    const pristine = readFileSync(file!);
    const longer = Buffer.from(pristine);
    longer[88] ^= 0x40; // the length of the first entry record now runs past the end of the file (and its zero tail)
    writeFileSync(file!, longer);
    let err = (await open(t.dir).catch((e: unknown) => e)) as WalCorruptionError;
    expect(err).toBeInstanceOf(WalCorruptionError);
    expect([err.file, err.offset]).toEqual([file, 88]);
    // The first save's 10 entries are one record (13 + 10 × (21 + 40) B); the second save's follows it.
    expect(err.reason).toMatch(/runs past the end of the file, but an intact record follows at byte 711: not a torn tail$/);
    expect(readFileSync(file!).equals(longer)).toBe(true); // nothing truncated (toEqual on a 4 MiB buffer is slow)
    const flipped = Buffer.from(pristine);
    flipped[88 + 20] ^= 0x04; // a payload bit: CRC mismatch with intact records after it
    writeFileSync(file!, flipped);
    err = (await open(t.dir).catch((e: unknown) => e)) as WalCorruptionError;
    expect([err.file, err.offset, err.reason]).toEqual([file, 88, 'CRC mismatch in the final record, but an intact record follows at byte 711: not a torn tail']);
  });
});
