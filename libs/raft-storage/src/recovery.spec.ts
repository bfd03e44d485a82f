import { appendFileSync, mkdirSync, readFileSync, renameSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { entries, tempDir } from '../test/helpers';
import { writeSegment } from '../test/segment-builder';
import { join } from 'node:path';
import { WalCorruptionError } from './errors';
import { nodeFileSystem } from './fs-seam';
import { encodeHardState, segmentFraming } from './records';
import { scanSegments } from './segment-scanner';
import { FileStorage } from './file-storage';

async function fill(dir: string, segmentBytes = 2048): Promise<string[]> {
  const s = await FileStorage.open(dir, { segmentBytes });
  await s.load();
  for (let i = 0; i < 10; i++) await s.save({ term: 1, vote: null, commit: 0 }, entries(i * 10 + 1, i * 10 + 10, 1, 40));
  const files = s.segmentFiles();
  await s.close();
  return files;
}

/** Where the records of the last segment end (its preallocated zeros follow). */
async function recordsEnd(dir: string): Promise<number> {
  const { segments } = await scanSegments(nodeFileSystem, join(dir, 'wal'), () => undefined);
  return segments[segments.length - 1]!.size;
}

async function load(dir: string, warnings: string[] = []): Promise<Awaited<ReturnType<FileStorage['load']>>> {
  const s = await FileStorage.open(dir, { segmentBytes: 2048, logger: { warn: (m) => warnings.push(m) } });
  const state = await s.load();
  await s.close();
  return state;
}

describe('recovery outcomes', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  it('a torn final record is truncated and logged; everything before it survives', async () => {
    const files = await fill(t.dir);
    const last = files[files.length - 1]!;
    const end = await recordsEnd(t.dir);
    const buf = readFileSync(last);
    // The first 20 bytes of a record of this segment reached the disk, the rest did not.
    const record = encodeHardState({ term: 2, vote: 'n1', commit: 7 }, segmentFraming(Number(basename(last, '.wal'))));
    buf.fill(0, end);
    record.copy(buf, end, 0, 20);
    writeFileSync(last, buf);
    const warnings: string[] = [];
    const state = await load(t.dir, warnings);
    expect(state.entries).toHaveLength(100);
    expect(state.hardState).toEqual({ term: 1, vote: null, commit: 0 });
    expect(warnings).toEqual([expect.stringContaining(`truncating a torn write at the tail of ${last}: ${buf.length - end} bytes at offset ${end}`)]);
    expect(readFileSync(last).subarray(end).every((b) => b === 0)).toBe(true); // cut, then zero-filled ahead again
    truncateSync(last, end);
    appendFileSync(last, Buffer.from([0, 0, 0, 50, 1, 9, 9])); // a header cut short by the crash, at the end of the file
    const again: string[] = [];
    expect((await load(t.dir, again)).entries).toHaveLength(100);
    expect(again).toEqual([expect.stringContaining(`7 bytes at offset ${end}`)]);
  });

  it('a final record whose CRC fails (half-written payload) is treated as torn', async () => {
    const files = await fill(t.dir);
    const last = files[files.length - 1]!;
    const end = await recordsEnd(t.dir);
    const buf = readFileSync(last);
    buf[end - 3] ^= 0xff; // inside the last batch's hard-state record (13 + 18 bytes)
    writeFileSync(last, buf);
    const state = await load(t.dir);
    expect(state.entries).toHaveLength(100);
    expect(await recordsEnd(t.dir)).toBe(end - 31);
  });

  it('flipped bits in the middle are a hard error naming the file and offset', async () => {
    const files = await fill(t.dir);
    const victim = files[1]!;
    const buf = readFileSync(victim);
    buf[200] ^= 0x10;
    writeFileSync(victim, buf);
    const err = (await load(t.dir).catch((e: unknown) => e)) as WalCorruptionError;
    expect(err).toBeInstanceOf(WalCorruptionError);
    expect(err.file).toBe(victim);
    expect(err.offset).toBeLessThanOrEqual(200);
    expect(err.message).toMatch(/CRC mismatch|record/);
  });

  it('a truncated (shortened) middle segment is a hard error', async () => {
    const files = await fill(t.dir);
    const original = readFileSync(files[1]!);
    const offsets: number[] = [];
    await scanSegments(nodeFileSystem, join(t.dir, 'wal'), (_r, file, offset) => void (file === files[1] && offsets.push(offset)));
    const boundary = offsets[offsets.length - 1]!; // where the segment's last record starts
    truncateSync(files[1]!, boundary);
    const err = (await load(t.dir).catch((e: unknown) => e)) as WalCorruptionError;
    expect(err).toBeInstanceOf(WalCorruptionError);
    expect(err.file).toBe(files[1]);
    // Cut at a record boundary: the next segment's preamble says where its records really end.
    expect(err.reason).toMatch(/^records end at byte \d+ but segment 3 recorded that they end at \d+/);
    writeFileSync(files[1]!, original.subarray(0, boundary + 20)); // cut inside a record: a torn record in a segment that is not the last
    const inside = (await load(t.dir).catch((e: unknown) => e)) as WalCorruptionError;
    expect([inside.file, inside.reason]).toEqual([files[1], expect.stringMatching(/runs past the end of the file in a segment that is not the last one$/)]);
  });

  it('a missing middle segment is a hard error naming it', async () => {
    const files = await fill(t.dir);
    unlinkSync(files[2]!);
    const err = (await load(t.dir).catch((e: unknown) => e)) as WalCorruptionError;
    expect(err).toBeInstanceOf(WalCorruptionError);
    expect(err.file).toBe(files[2]);
    expect(err.message).toContain('is missing');
  });

  it('a segment renumbered into the place of a missing one is refused: its preamble names another segment', async () => {
    const files = await fill(t.dir);
    unlinkSync(files[2]!);
    for (let i = 3; i < files.length; i++) renameSync(files[i]!, files[i - 1]!);
    const err = (await load(t.dir).catch((e: unknown) => e)) as WalCorruptionError;
    expect([err.file, err.offset, err.reason]).toEqual([files[2], 0, "the preamble is segment 4's, in a segment that is not the last one"]);
  });

  it('a gap in indexes (records lost inside a segment sequence) is a hard error', async () => {
    const wal = join(t.dir, 'wal');
    mkdirSync(wal, { recursive: true });
    const hardState = { term: 1, vote: null, commit: 0 };
    const one = writeSegment(wal, 1, [{ hardState }, ...entries(1, 5).map((entry) => ({ entry }))], { format: 2 });
    const two = writeSegment(wal, 2, [{ hardState }, ...entries(7, 9).map((entry) => ({ entry }))], { format: 2, prevRecordsEnd: one.recordsEnd });
    const err = (await load(t.dir).catch((e: unknown) => e)) as WalCorruptionError;
    expect(err).toBeInstanceOf(WalCorruptionError);
    expect([err.file, err.reason]).toEqual([two.path, 'gap in log indexes: expected 6, found 7']);
  });
});
