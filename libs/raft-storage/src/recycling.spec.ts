import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { SnapshotMeta } from '@raft/raft-core';
import { entries, openStorage, tempDir, type Loaded } from '../test/helpers';
import { writeSegment } from '../test/segment-builder';
import { StorageUsageError, WalCorruptionError } from './errors';
import { FileStorage, type FileStorageOptions } from './file-storage';
import { encodeSegmentPreamble, SEGMENT_PREAMBLE_BYTES } from './records';
import { segmentName, SPARE_RE } from './segment-scanner';

const config = { voters: ['n1', 'n2', 'n3'], learners: [], outgoing: [] };
const meta = (index: number, term: number): SnapshotMeta => ({ index, term, config });
const SEGMENT = 4096;

const open = (dir: string, warnings: string[] = [], opts: FileStorageOptions = {}): Promise<Loaded> => openStorage(dir, warnings, { segmentBytes: SEGMENT, ...opts });

async function snapshotAndCompact(s: FileStorage, index: number, term = 1): Promise<void> {
  const w = await s.createSnapshot(meta(index, term));
  await w.write(Buffer.from(`state@${index}`));
  await w.commit();
  await s.compact(index);
}

/** Saves entries from..to, ten per save, each with a hard state committing the previous ones. */
async function fill(s: FileStorage, from: number, to: number): Promise<void> {
  for (let i = from; i <= to; i += 10) await s.save({ term: 1, vote: 'n1', commit: i - 1 }, entries(i, Math.min(to, i + 9), 1, 60));
}

const inode = (path: string): number => statSync(path).ino;
const indexes = (state: { entries: readonly { index: number }[] }): number[] => state.entries.map((e) => e.index);
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('segment recycling', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  it('compacted segments become spares, and new segments reuse their files; old records never come back', async () => {
    const { s } = await open(t.dir);
    await fill(s, 1, 300);
    const segmentsBefore = s.segmentFiles();
    expect(segmentsBefore.length).toBeGreaterThan(5);
    await snapshotAndCompact(s, 250);
    const spares = s.spareFiles();
    expect(spares.map((f) => basename(f))).toEqual(['00000000000000000001.spare', '00000000000000000002.spare']); // default: keep 2
    const spareInodes = spares.map(inode);
    const wal = readdirSync(join(t.dir, 'wal'));
    expect(wal.filter((n) => SPARE_RE.test(n))).toHaveLength(2);
    // The rest of the compacted segments were deleted.
    expect(wal.filter((n) => n.endsWith('.wal'))).toHaveLength(s.segmentFiles().length);
    const last = s.segmentFiles().length;
    await fill(s, 301, 420); // rotates twice or more: the spares are taken, newest first
    const created = s.segmentFiles().slice(last);
    expect(created.length).toBeGreaterThanOrEqual(2);
    expect([inode(created[0]!), inode(created[1]!)]).toEqual([spareInodes[1], spareInodes[0]]);
    expect(s.spareFiles()).toEqual([]);
    await s.close();
    const { s: again, state } = await open(t.dir);
    expect(state.snapshot).toEqual(meta(250, 1));
    expect(indexes(state)).toEqual(range(251, 420));
    expect(state.entries.every((e) => e.term === 1 && e.data.length === 60)).toBe(true);
    expect(state.hardState).toEqual({ term: 1, vote: 'n1', commit: 410 });
    await again.close();
  });

  it('a reused file is longer than its new records: the old records after them read as the end of the log', async () => {
    const { s } = await open(t.dir);
    await fill(s, 1, 200);
    await snapshotAndCompact(s, 150);
    const [spare] = s.spareFiles().slice(-1);
    const oldBytes = readFileSync(spare!);
    // One entry per save until a new segment starts (in the spare).
    let top = 200;
    const before = s.segmentFiles().length;
    while (s.segmentFiles().length === before) await fill(s, ++top, top);
    const reused = s.segmentFiles()[s.segmentFiles().length - 1]!;
    const bytes = readFileSync(reused);
    expect(bytes.length).toBe(oldBytes.length);
    // The head and one record are new; the rest of the file still holds the previous life's records.
    expect(bytes.subarray(400).equals(oldBytes.subarray(400))).toBe(true);
    await s.close();
    const warnings: string[] = [];
    const { s: again, state } = await open(t.dir, warnings);
    expect(warnings).toEqual([]);
    expect(indexes(state)).toEqual(range(151, top));
    await again.close();
  });

  it('recycleSegments 0 deletes compacted segments; a bad value is refused', async () => {
    const { s } = await open(t.dir, [], { recycleSegments: 0 });
    await fill(s, 1, 200);
    await snapshotAndCompact(s, 150);
    expect(s.spareFiles()).toEqual([]);
    expect(readdirSync(join(t.dir, 'wal')).filter((n) => SPARE_RE.test(n))).toEqual([]);
    await s.close();
    for (const bad of [-1, 1.5, Number.NaN]) {
      const err = (await FileStorage.open(t.dir, { recycleSegments: bad }).catch((e: unknown) => e)) as StorageUsageError;
      expect(err).toBeInstanceOf(StorageUsageError);
      expect(err.message).toContain('recycleSegments');
    }
  });

  it('spares beyond recycleSegments are deleted on load', async () => {
    const { s } = await open(t.dir, [], { recycleSegments: 3 });
    await fill(s, 1, 300);
    await snapshotAndCompact(s, 250);
    expect(s.spareFiles()).toHaveLength(3);
    await s.close();
    const { s: again } = await open(t.dir, [], { recycleSegments: 1 });
    expect(again.spareFiles().map((f) => basename(f))).toEqual(['00000000000000000003.spare']);
    expect(readdirSync(join(t.dir, 'wal')).filter((n) => SPARE_RE.test(n))).toEqual(['00000000000000000003.spare']);
    await again.close();
  });

  it('a crash after a spare was renamed into place but before its new head landed: the segment gets its head on load', async () => {
    const { s } = await open(t.dir);
    await fill(s, 1, 300);
    await snapshotAndCompact(s, 250);
    const files = s.segmentFiles();
    const [spare] = s.spareFiles();
    await s.close();
    // What the rename leaves before the head write: the next segment's name, the old contents.
    const next = join(t.dir, 'wal', segmentName(Number(basename(files[files.length - 1]!, '.wal')) + 1));
    renameSync(spare!, next);
    const warnings: string[] = [];
    const r = await open(t.dir, warnings);
    expect(warnings).toEqual([]);
    expect(indexes(r.state)).toEqual(range(251, 300));
    expect(r.state.hardState).toEqual({ term: 1, vote: 'n1', commit: 290 });
    expect(r.s.segmentFiles()[r.s.segmentFiles().length - 1]).toBe(next);
    await fill(r.s, 301, 320);
    await r.s.close();
    const again = await open(t.dir);
    expect(indexes(again.state)).toEqual(range(251, 320));
    await again.s.close();
  });

  it('a damaged preamble with records of its segment after it, or one naming another segment before the end, is corruption', async () => {
    const { s } = await open(t.dir);
    await fill(s, 1, 300);
    const files = s.segmentFiles();
    await s.close();
    const last = files[files.length - 1]!;
    const lastBytes = readFileSync(last);
    const damaged = Buffer.from(lastBytes);
    damaged[12] ^= 0x01; // the sequence number: the preamble's CRC fails
    writeFileSync(last, damaged);
    let err = (await open(t.dir).catch((e: unknown) => e)) as WalCorruptionError;
    expect(err).toBeInstanceOf(WalCorruptionError);
    expect([err.file, err.offset, err.reason]).toEqual([last, 0, `the preamble is damaged, but an intact record of this segment follows at byte ${SEGMENT_PREAMBLE_BYTES}`]);
    writeFileSync(last, lastBytes);
    const middle = files[2]!;
    const middleBytes = readFileSync(middle);
    const wrongSeq = Buffer.from(middleBytes);
    encodeSegmentPreamble({ seq: 77, prevRecordsEnd: 0 }).copy(wrongSeq, 0);
    writeFileSync(middle, wrongSeq);
    err = (await open(t.dir).catch((e: unknown) => e)) as WalCorruptionError;
    expect([err.file, err.offset, err.reason]).toEqual([middle, 0, "the preamble is segment 77's, in a segment that is not the last one"]);
  });

  it('a flipped bit in a record of a reused file is corruption when records of the segment follow it', async () => {
    const { s } = await open(t.dir);
    await fill(s, 1, 300);
    await snapshotAndCompact(s, 250);
    const before = s.segmentFiles().length;
    await fill(s, 301, 360); // into the reused file
    expect(s.segmentFiles().length).toBeGreaterThan(before);
    const reused = s.segmentFiles()[before]!;
    await s.close();
    const bytes = readFileSync(reused);
    bytes[200] ^= 0x08;
    writeFileSync(reused, bytes);
    const err = (await open(t.dir).catch((e: unknown) => e)) as WalCorruptionError;
    expect(err).toBeInstanceOf(WalCorruptionError);
    expect(err.file).toBe(reused);
    expect(err.offset).toBeLessThanOrEqual(200);
    expect(err.reason).toMatch(/intact record .*follows at byte \d+|recorded that they end at/);
  });

  it('format-1 segments written by an older version are read; new records go to a format-2 segment after them', async () => {
    const wal = join(t.dir, 'wal');
    mkdirSync(wal, { recursive: true });
    const hardState = { term: 2, vote: 'n3', commit: 4 };
    writeSegment(wal, 1, [{ hardState }, { snapshot: { index: 0, term: 0 } }, ...entries(1, 5, 2).map((entry) => ({ entry }))], { format: 1 });
    const two = writeSegment(wal, 2, [{ hardState }, { snapshot: { index: 0, term: 0 } }, ...entries(6, 8, 2).map((entry) => ({ entry }))], { format: 1, tail: Buffer.alloc(512) });
    const r = await open(t.dir);
    expect(indexes(r.state)).toEqual(range(1, 8));
    expect(r.state.hardState).toEqual(hardState);
    expect(r.s.segmentFiles().map((f) => basename(f))).toEqual(['00000000000000000001.wal', '00000000000000000002.wal', '00000000000000000003.wal']);
    expect(readFileSync(two.path).length).toBe(two.recordsEnd + 512); // untouched
    await r.s.save({ term: 2, vote: 'n3', commit: 8 }, entries(9, 12, 2));
    await r.s.close();
    const third = readFileSync(join(wal, '00000000000000000003.wal'));
    expect(third.readUInt32BE(0)).toBe(0xffffffff);
    expect(third.readUInt32BE(16 + 4)).toBe(two.recordsEnd); // its preamble vouches for where segment 2's records end
    const again = await open(t.dir, [], { recycleSegments: 2 });
    expect(indexes(again.state)).toEqual(range(1, 12));
    await snapshotAndCompact(again.s, 10, 2);
    // Format-1 files are deleted, never kept as spares.
    expect(again.s.spareFiles()).toEqual([]);
    expect(readdirSync(wal).sort()).toEqual(['00000000000000000003.wal']);
    await again.s.close();
    const final = await open(t.dir);
    expect(indexes(final.state)).toEqual([11, 12]);
    await final.s.close();
  });
});
