import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, writeFixture } from '../test/fixture';
import type { InspectReport } from './inspect';
import { EXIT_CORRUPT, runCli } from './main';

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
    expect(report.segments.map((s) => [s.bytes, s.recordBytes, s.records])).toEqual([
      [2048, 1944, 38],
      [2048, 464, 12],
    ]);
    // Segment 1 was deleted by compaction; 2 holds entries 20..37, 3 holds 38..40 (3 × 105 B
    // after its 54-byte head), then the
    // truncation, the compaction marker and entry 38 at term 3. Each segment starts with a
    // hard state and a snapshot marker.
    expect(report.counts).toEqual({ entry: 22, hardState: 24, truncate: 1, snapshot: 3 });
    expect(report.records.filter((r) => r.type === 'entry').map((r) => `${r.index}/${r.term}`).slice(-4)).toEqual(['38/2', '39/2', '40/2', '38/3']);
    expect(report.records.filter((r) => r.type !== 'entry' && r.type !== 'hardState')).toEqual([
      { file: segments[0], offset: 29, size: 25, type: 'snapshot', index: 0, term: 0 },
      { file: segments[1], offset: 29, size: 25, type: 'snapshot', index: 0, term: 0 },
      { file: segments[1], offset: 369, size: 25, type: 'snapshot', index: 20, term: 2 },
      { file: segments[1], offset: 394, size: 17, type: 'truncate', fromIndex: 38 },
    ]);
    expect(report.snapshots).toEqual([{ file: join(t.dir, 'snap', '00000000000000000020-2.snap'), bytes: 101, role: 'current', index: 20, term: 2, dataBytes: 5 }]);
    expect(report.recovered).toEqual({ snapshotIndex: 20, firstIndex: 21, lastIndex: 38, hardState: { term: 3, vote: null, commit: 30 } });
    expect(report.warnings).toEqual([]);
    expect(report.errors).toEqual([]);
  });

  it('a flipped bit in a segment that is not the last: exit 2, naming file and record offset', async () => {
    const buf = readFileSync(segments[0]!);
    buf[300] ^= 0x01; // inside the entry record at 264..339
    writeFileSync(segments[0]!, buf);
    const { code, out } = await cli(t.dir, '--verify');
    expect(code).toBe(EXIT_CORRUPT);
    expect(out).toContain(`error: ${segments[0]} at byte 264: CRC mismatch`);
    expect(out).toContain('verify: FAILED');
  });

  it('a torn final record is a warning with exit 0, and the file is left as it was', async () => {
    const last = segments[1]!;
    const buf = readFileSync(last);
    buf.set([0, 0, 0, 40, 1, 7], 464); // a record cut short after 6 bytes, zeros after it
    writeFileSync(last, buf);
    const { code, out } = await cli(t.dir, '--verify');
    expect(code).toBe(0);
    expect(out).toContain(`warning: ${last} at byte 464: torn final record (${2048 - 464} bytes): recovery truncates it`);
    expect(out).toContain('verify: OK');
    expect(readFileSync(last).equals(buf)).toBe(true);
  });

  it('a missing snapshot is an error, as in recovery: the log no longer starts at 1', async () => {
    unlinkSync(join(t.dir, 'snap', '00000000000000000020-2.snap'));
    const { code, report } = await json(t.dir);
    expect(code).toBe(EXIT_CORRUPT);
    expect(report.errors).toEqual([{ file: segments[0], offset: 54, reason: 'gap in log indexes: expected 1, found 20' }]);
    expect(report.recovered).toBeNull();
  });

  it('a missing middle segment is an error naming it, even without --verify', async () => {
    unlinkSync(segments[1]!);
    writeFileSync(join(t.dir, 'wal', '00000000000000000004.wal'), Buffer.alloc(0));
    const { code, out } = await cli(t.dir);
    expect(code).toBe(EXIT_CORRUPT);
    expect(out).toContain(`error: ${segments[1]} at byte 0: segment 3 is missing (found 2 then 4)`);
  });
});
