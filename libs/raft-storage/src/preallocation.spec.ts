import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { entries, FaultyFs, openStorage, tempDir, type Loaded } from '../test/helpers';
import { StorageIOError, StorageUsageError, WalCorruptionError } from './errors';
import { FileStorage, type FileStorageOptions } from './file-storage';
import { nodeFileSystem } from './fs-seam';
import { scanSegments } from './segment-scanner';

const options: FileStorageOptions = { segmentBytes: 64 * 1024, preallocateBytes: 8 * 1024 };

const open = (dir: string, warnings: string[] = [], extra: FileStorageOptions = {}): Promise<Loaded> => openStorage(dir, warnings, { ...options, ...extra });

/** Where the records of the last segment end. */
async function recordsEnd(dir: string): Promise<number> {
  const { segments } = await scanSegments(nodeFileSystem, join(dir, 'wal'), () => undefined);
  return segments[segments.length - 1]!.size;
}

describe('preallocated segments (zeros written ahead of the records)', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  it('the file runs ahead of the records in zeros; a reopen appends after the records, not after the zeros', async () => {
    let r = await open(t.dir);
    await r.s.save({ term: 1, vote: 'n1', commit: 3 }, entries(1, 5, 1, 100));
    const [file] = r.s.segmentFiles();
    await r.s.close();
    const end = await recordsEnd(t.dir);
    const bytes = readFileSync(file!);
    expect(bytes.length).toBeGreaterThanOrEqual(8 * 1024);
    expect(bytes.subarray(end).every((b) => b === 0)).toBe(true);
    r = await open(t.dir);
    await r.s.save(null, entries(6, 8, 1, 100));
    await r.s.close();
    r = await open(t.dir);
    expect(r.state.entries.map((e) => e.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(r.state.hardState).toEqual({ term: 1, vote: 'n1', commit: 3 });
    await r.s.close();
  });

  it('keeps at most one step of zeros ahead and never grows a segment past segmentBytes', async () => {
    const { s } = await open(t.dir);
    for (let i = 0; i < 40; i++) await s.save(null, entries(i * 10 + 1, i * 10 + 10, 1, 200));
    await s.close();
    const files = s.segmentFiles();
    expect(files.length).toBeGreaterThan(1);
    for (const f of files) expect(statSync(f).size).toBeLessThanOrEqual(64 * 1024);
    const r = await open(t.dir);
    expect(r.state.entries).toHaveLength(400);
    await r.s.close();
  });

  it('a bad size option is a typed error naming it', async () => {
    for (const [opts, name] of [
      [{ preallocateBytes: -1 }, 'preallocateBytes'],
      [{ preallocateBytes: Number.NaN }, 'preallocateBytes'],
      [{ segmentBytes: 0 }, 'segmentBytes'],
      [{ segmentBytes: 1.5 }, 'segmentBytes'],
    ] as const) {
      const err = (await FileStorage.open(t.dir, opts).catch((e: unknown) => e)) as StorageUsageError;
      expect(err).toBeInstanceOf(StorageUsageError);
      expect(err).toMatchObject({ code: 'STORAGE_USAGE', message: expect.stringContaining(name) });
    }
  });

  it('large group commits append instead: no zeros are written ahead of them', async () => {
    const { s } = await open(t.dir, [], { segmentBytes: 4 * 1024 * 1024, preallocateBytes: 256 * 1024 });
    let next = 1;
    for (let i = 0; i < 40; i++, next += 17) await s.save(null, entries(next, next + 16, 1, 4096)); // ~70 KiB each
    const [file] = s.segmentFiles();
    await s.close();
    // The first saves (average still small) may have zero-filled one step; after that the
    // file grows only by appends, so it ends where the records do.
    expect(statSync(file!).size).toBe(await recordsEnd(t.dir));
    const r = await open(t.dir);
    expect(r.state.entries).toHaveLength(680);
    await r.s.close();
  });

  it('bytes after the records that carry no record header of this segment are left alone and overwritten later', async () => {
    let r = await open(t.dir);
    await r.s.save(null, entries(1, 10, 1, 40));
    const [file] = r.s.segmentFiles();
    await r.s.close();
    const end = await recordsEnd(t.dir);
    const buf = readFileSync(file!);
    buf.fill(0x5a, end + 13, end + 300); // a batch whose first page never reached the disk
    writeFileSync(file!, buf);
    const warnings: string[] = [];
    r = await open(t.dir, warnings);
    expect(r.state.entries).toHaveLength(10);
    expect(warnings).toEqual([]); // no header of this segment there: the end of its records, as a recycled file's old bytes are
    await r.s.save(null, entries(11, 12, 1, 40));
    await r.s.close();
    r = await open(t.dir);
    expect(r.state.entries.map((e) => e.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    await r.s.close();
  });

  it('zeros where a record should start with an intact record after them is corruption, not a tail', async () => {
    const r = await open(t.dir);
    await r.s.save(null, entries(1, 10, 1, 40));
    await r.s.save(null, entries(11, 12, 1, 40));
    const [file] = r.s.segmentFiles();
    await r.s.close();
    const buf = readFileSync(file!);
    const firstEntryAt = 88; // after the segment head: preamble (28 B), hard state (31 B), snapshot marker (29 B)
    const firstRecord = 13 + 10 * (21 + 40); // the first save's entries record: header, 10 × (21 + 40 B)
    buf.fill(0, firstEntryAt, firstEntryAt + 70); // its header and first entry zeroed
    writeFileSync(file!, buf);
    const err = (await open(t.dir).catch((e: unknown) => e)) as WalCorruptionError;
    expect(err).toBeInstanceOf(WalCorruptionError);
    expect([err.file, err.offset]).toEqual([file, firstEntryAt]);
    expect(err.reason).toBe(`the records end here, but an intact record of this segment follows at byte ${firstEntryAt + firstRecord}`);
  });

  it('a failed zero-fill fails the storage: later writes are refused, acknowledged ones survive', async () => {
    const fs = new FaultyFs();
    const { s } = await open(t.dir, [], { fs, preallocateBytes: 1024 });
    await s.save(null, entries(1, 2));
    fs.failNextZeroFill = 'EIO';
    await s.save(null, entries(3, 30, 1, 40)); // runs past the zeros: the next step starts, and fails
    await new Promise((r) => setTimeout(r, 50));
    expect(fs.failNextZeroFill).toBeNull();
    const later = await s.save(null, entries(31, 31)).catch((e: unknown) => e);
    expect(later).toMatchObject({ code: 'STORAGE_IO', errno: 'EIO' });
    expect(later).toBeInstanceOf(StorageIOError);
    await s.close();
    const r = await open(t.dir);
    expect(r.state.entries.map((e) => e.index)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    await r.s.close();
  });
});
