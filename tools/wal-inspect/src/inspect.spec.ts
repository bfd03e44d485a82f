import { mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileStorage, segmentFraming } from '@raft/raft-storage';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the library's test helper for hand-built (format-1) segments; not part of its public API
import { writeSegment } from '../../../libs/raft-storage/test/segment-builder';
import { tempDir, writeFixture, writeRecycledFixture } from '../test/fixture';
import type { InspectReport } from './inspect';
import { EXIT_CORRUPT, runCli } from './main';

/** Bytes of a format-2 segment's preamble, ahead of its first record. */
const PREAMBLE = 28;

async function cli(...argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runCli(argv, (t) => (out += t));
  return { code, out };
}

async function json(dir: string): Promise<{ code: number; report: InspectReport }> {
  const { code, out } = await cli(dir, '--verify', '--json');
  return { code, report: JSON.parse(out) as InspectReport };
}

describe('wal-inspect', () => {
  let t: ReturnType<typeof tempDir>;
  let segments: string[];
  beforeEach(async () => {
    t = tempDir();
    segments = await writeFixture(t.dir);
  });
  afterEach(() => t.cleanup());

  it('lists every record of a storage written by FileStorage, with exact counts', async () => {
    const { code, report } = await json(t.dir);
    expect(code).toBe(0);
    expect(report.segments.map((s) => s.file)).toEqual(segments);
    // 2 KiB segments are zero-filled ahead of their records, up to their full size.
    expect(report.segments.map((s) => [s.format, s.bytes, s.recordBytes, s.records])).toEqual([
      [2, 2048, 2011, 36],
      [2, 2048, 879, 18],
    ]);
    // Segment 1 (entries 1..17) was compacted into a spare file: listed, never read.
    expect(report.spares).toEqual([{ file: join(t.dir, 'wal', '00000000000000000001.spare'), bytes: 2048 }]);
    // Segment 2 holds entries 18..34 (17 × 113 B, entry and hard state, after its 90-byte head:
    // 28-byte preamble, hard state with vote "n1", snapshot marker); 3 holds 35..40, then the
    // compaction marker, the truncation, and entry 38 at term 3.
    expect(report.counts).toEqual({ entry: 24, hardState: 26, truncate: 1, snapshot: 3 });
    expect(report.records.filter((r) => r.type === 'entry').map((r) => `${r.index}/${r.term}`).slice(-4)).toEqual(['38/2', '39/2', '40/2', '38/3']);
    expect(report.records.filter((r) => r.type !== 'entry' && r.type !== 'hardState')).toEqual([
      { file: segments[0], offset: 61, size: 29, type: 'snapshot', index: 0, term: 0 },
      { file: segments[1], offset: 61, size: 29, type: 'snapshot', index: 0, term: 0 },
      { file: segments[1], offset: 768, size: 29, type: 'snapshot', index: 20, term: 2 },
      { file: segments[1], offset: 797, size: 21, type: 'truncate', fromIndex: 38 },
    ]);
    expect(report.snapshots).toEqual([{ file: join(t.dir, 'snap', '00000000000000000020-2.snap'), bytes: 101, role: 'current', index: 20, term: 2, dataBytes: 5 }]);
    expect(report.recovered).toEqual({ snapshotIndex: 20, firstIndex: 21, lastIndex: 38, hardState: { term: 3, vote: null, commit: 30 } });
    expect(report.warnings).toEqual([]);
    expect(report.errors).toEqual([]);
  });

  it('a flipped bit in a segment that is not the last: exit 2, naming file and record offset', async () => {
    const buf = readFileSync(segments[0]!);
    buf[350] ^= 0x01; // inside the entry record at 316..396
    writeFileSync(segments[0]!, buf);
    const { code, out } = await cli(t.dir, '--verify');
    expect(code).toBe(EXIT_CORRUPT);
    expect(out).toContain(`error: ${segments[0]} at byte 316: CRC mismatch in the final record, but an intact record follows at byte 396: not a torn tail`);
    expect(out).toContain('verify: FAILED');
  });

  it('a torn final record is a warning with exit 0, and the file is left as it was', async () => {
    const last = segments[1]!;
    const buf = readFileSync(last);
    // The header of a 40-byte record of this segment (its tag) whose payload never landed: zeros after it.
    buf.set([0, 0, 0, 40, 1, 0, 0, 0, 7], 879);
    buf.writeUInt32BE(segmentFraming(3).tag, 879 + 9);
    writeFileSync(last, buf);
    const { code, out } = await cli(t.dir, '--verify');
    expect(code).toBe(0);
    expect(out).toContain(`warning: ${last} at byte 879: torn final record (${2048 - 879} bytes): recovery truncates it`);
    expect(out).toContain('verify: OK');
    expect(readFileSync(last).equals(buf)).toBe(true);
  });

  it('a missing snapshot is an error, as in recovery: the log no longer starts at 1', async () => {
    unlinkSync(join(t.dir, 'snap', '00000000000000000020-2.snap'));
    const { code, report } = await json(t.dir);
    expect(code).toBe(EXIT_CORRUPT);
    expect(report.errors).toEqual([{ file: segments[0], offset: 90, reason: 'gap in log indexes: expected 1, found 18' }]);
    expect(report.recovered).toBeNull();
  });

  it('a missing middle segment is an error naming it, even without --verify', async () => {
    unlinkSync(segments[1]!);
    writeFileSync(join(t.dir, 'wal', '00000000000000000004.wal'), Buffer.alloc(0));
    const { code, out } = await cli(t.dir);
    expect(code).toBe(EXIT_CORRUPT);
    expect(out).toContain(`error: ${segments[1]} at byte 0: segment 3 is missing (found 2 then 4)`);
  });

  it('shows each segment\'s format and the spare files in the text output', async () => {
    const { code, out } = await cli(t.dir);
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines).toContain('wal: 2 segment(s), 1 spare(s)');
    expect(lines).toContain('  00000000000000000002.wal  format 2, 2048 bytes (2011 of records), 36 records');
    expect(lines).toContain('  00000000000000000001.spare  2048 bytes  spare: a compacted segment kept for reuse; its old records are not part of the log');
    expect(lines).toContain(`    @${String(28).padStart(8)}  ${String(33).padStart(6)} B  hardState  term=2 vote=n1 commit=16`);
  });
});

describe('wal-inspect on recycled segments and older formats', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  it('a storage whose new segment reused a spare file: spares listed, old records ignored, recovery as FileStorage.load()', async () => {
    const { segments, spares, sparesAfterCompaction } = await writeRecycledFixture(t.dir);
    expect(sparesAfterCompaction).toHaveLength(2);
    // The new segment is the newest spare's file, renamed; one spare is left.
    const reused = segments[segments.length - 1]!;
    expect(statSync(reused).ino).toBe(sparesAfterCompaction[1]!.ino);
    expect(spares).toEqual([sparesAfterCompaction[0]!.file]);

    const { code, report } = await json(t.dir);
    expect(code).toBe(0);
    expect(report.warnings).toEqual([]);
    expect(report.errors).toEqual([]);
    expect(report.spares).toEqual(spares.map((file) => ({ file, bytes: statSync(file).size })));
    expect(report.segments.map((s) => s.file)).toEqual(segments);
    for (const seg of report.segments) {
      expect(seg.format).toBe(2);
      const mine = report.records.filter((r) => r.file === seg.file);
      expect(mine).toHaveLength(seg.records);
      // Records lie back to back after the preamble, each as long as the scanner framed it.
      expect(mine.map((r) => r.offset)).toEqual(mine.map((_, i) => PREAMBLE + mine.slice(0, i).reduce((n, r) => n + r.size, 0)));
      expect(PREAMBLE + mine.reduce((n, r) => n + r.size, 0)).toBe(seg.recordBytes);
    }
    // Entry records are 13 + 17 + 100 bytes; none of the reused file's old records is listed.
    expect(report.records.filter((r) => r.type === 'entry').every((r) => r.size === 130)).toBe(true);
    const reusedReport = report.segments[report.segments.length - 1]!;
    expect(readFileSync(reused).subarray(reusedReport.recordBytes!).some((b) => b !== 0)).toBe(true); // its previous life's bytes
    // Segment 4, the oldest left, starts at entry 82 (those up to 90 are below the snapshot, still on disk).
    expect(report.records.filter((r) => r.type === 'entry').map((r) => r.index)).toEqual(Array.from({ length: 150 - 81 }, (_, i) => 82 + i));

    const s = await FileStorage.open(t.dir, { segmentBytes: 4096, recycleSegments: 2 });
    const state = await s.load();
    await s.close();
    expect(report.recovered).toEqual({
      snapshotIndex: state.snapshot!.index,
      firstIndex: state.entries[0]!.index,
      lastIndex: state.entries[state.entries.length - 1]!.index,
      hardState: state.hardState,
    });
  });

  it('a format-1 segment (written by an older version) is reported as format 1, with 9-byte record headers', async () => {
    const wal = join(t.dir, 'wal');
    mkdirSync(wal, { recursive: true });
    const entry = (index: number): { entry: { index: number; term: number; type: 'normal'; data: Uint8Array } } => ({ entry: { index, term: 1, type: 'normal', data: Buffer.alloc(10, index) } });
    const { path, recordsEnd } = writeSegment(wal, 1, [{ hardState: { term: 1, vote: null, commit: 0 } }, { snapshot: { index: 0, term: 0 } }, entry(1), entry(2), entry(3)], { format: 1 });
    const { code, report } = await json(t.dir);
    expect(code).toBe(0);
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report.spares).toEqual([]);
    expect(report.segments).toEqual([{ file: path, bytes: recordsEnd, format: 1, recordBytes: recordsEnd, records: 5 }]);
    expect(report.records.map((r) => [r.offset, r.size, r.type])).toEqual([
      [0, 9 + 18, 'hardState'],
      [27, 9 + 16, 'snapshot'],
      [52, 9 + 17 + 10, 'entry'],
      [88, 36, 'entry'],
      [124, 36, 'entry'],
    ]);
    expect(recordsEnd).toBe(160);
    expect(report.recovered).toEqual({ snapshotIndex: 0, firstIndex: 1, lastIndex: 3, hardState: { term: 1, vote: null, commit: 0 } });
    expect((await cli(t.dir)).out).toContain(`  00000000000000000001.wal  format 1, ${recordsEnd} bytes (${recordsEnd} of records), 5 records`);

    // FileStorage leaves it as it is and goes on in a new, format-2 segment.
    const s = await FileStorage.open(t.dir);
    await s.load();
    await s.save({ term: 1, vote: null, commit: 3 }, [{ index: 4, term: 1, type: 'normal', data: Buffer.alloc(10) }]);
    await s.close();
    const after = await json(t.dir);
    expect(after.code).toBe(0);
    expect(after.report.segments.map((seg) => [seg.format, seg.recordBytes])).toEqual([
      [1, 160],
      [2, 28 + 31 + 29 + 40 + 31], // preamble, head (hard state, snapshot marker), entry 4, hard state
    ]);
    expect(after.report.recovered).toEqual({ snapshotIndex: 0, firstIndex: 1, lastIndex: 4, hardState: { term: 1, vote: null, commit: 3 } });
  });
});
