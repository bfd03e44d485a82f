import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Entry, EntryType } from '@raft/raft-core';
import { FileStorage, segmentFraming } from '@raft/raft-storage';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the library's test helper for hand-built (format-1) segments; not part of its public API
import { writeSegment } from '../../../libs/raft-storage/test/segment-builder';
import { tempDir, writeEntriesSegment, writeFixture, writeRecycledFixture } from '../test/fixture';
import type { EntryReport, InspectReport, RecordReport } from './inspect';
import { EXIT_CORRUPT, runCli } from './main';

// Sizes on disk in format 2, from the layout in libs/raft-storage/src/records.ts (written out
// here rather than imported, so that a change of format shows up in these tests).
/** Bytes of a format-2 segment's preamble, ahead of its first record. */
const PREAMBLE = 28;
/** A record's header: payload length, type, CRC, segment tag. */
const HEADER = 13;
/** An entries record of `n` entries with `data` bytes of data each: each entry is u32 data length, u64 index, u64 term, u8 type, data. */
const entriesRecord = (n: number, data: number): number => HEADER + n * (4 + 8 + 8 + 1 + data);
/** A hard state record: u64 term, u64 commit, u16 vote length, vote. */
const hardStateRecord = (vote: string | null): number => HEADER + 8 + 8 + 2 + Buffer.byteLength(vote ?? '');
/** A snapshot marker: u64 index, u64 term. */
const SNAPSHOT_MARKER = HEADER + 16;
/** A truncation: u64 fromIndex. */
const TRUNCATE = HEADER + 8;
/** Where a segment's first record after its head goes: preamble, the hard state then current, a snapshot marker. */
const head = (vote: string | null): number => PREAMBLE + hardStateRecord(vote) + SNAPSHOT_MARKER;

/** The entries records of a report. */
function entriesRecords(report: InspectReport): Extract<RecordReport, { type: 'entries' }>[] {
  return report.records.filter((r): r is Extract<RecordReport, { type: 'entries' }> => r.type === 'entries');
}

/** Every entry of a report's records, in order. */
function allEntries(report: InspectReport): EntryReport[] {
  return entriesRecords(report).flatMap((r) => r.entries);
}

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
  // The fixture's layout: every save is its own group commit, an entries record of one
  // 50-byte entry and then a hard state with vote "n1". Segment 1 starts with the initial
  // hard state (no vote), later ones with vote "n1".
  const SAVE = entriesRecord(1, 50) + hardStateRecord('n1');
  const savesInSegment1 = Math.floor((2048 - head(null)) / SAVE); // entries 1..16
  const savesInSegment2 = Math.floor((2048 - head('n1')) / SAVE); // entries 17..32
  const savesInSegment3 = 40 - savesInSegment1 - savesInSegment2; // entries 33..40
  const segment2End = head('n1') + savesInSegment2 * SAVE;
  // Segment 3 after its 40 − 32 saves: the compaction marker, then the save of entry 38 at
  // term 3 (no data, no vote): the truncation, its entries record, its hard state.
  const markerAt = head('n1') + savesInSegment3 * SAVE;
  const truncateAt = markerAt + SNAPSHOT_MARKER;
  const segment3End = truncateAt + TRUNCATE + entriesRecord(1, 0) + hardStateRecord(null);

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
    expect([savesInSegment1, savesInSegment2, segment2End, segment3End]).toEqual([16, 16, 1962, 1141]);
    // 2 KiB segments are zero-filled ahead of their records, up to their full size.
    expect(report.segments.map((s) => [s.format, s.bytes, s.recordBytes, s.records])).toEqual([
      [2, 2048, segment2End, 2 + 2 * savesInSegment2],
      [2, 2048, segment3End, 2 + 2 * savesInSegment3 + 4],
    ]);
    // Segment 1 (entries 1..16) was compacted into a spare file: listed, never read.
    expect(report.spares).toEqual([{ file: join(t.dir, 'wal', '00000000000000000001.spare'), bytes: 2048 }]);
    // Segment 2 holds entries 17..32; 3 holds 33..40, then the compaction marker, the
    // truncation, and entry 38 at term 3. `entry` counts entries, one per entries record here.
    expect(report.counts).toEqual({ entry: 40 - savesInSegment1 + 1, hardState: 2 + savesInSegment2 + savesInSegment3 + 1, truncate: 1, snapshot: 3 });
    expect(entriesRecords(report).every((r) => r.entries.length === 1)).toBe(true);
    expect(allEntries(report).map((e) => `${e.index}/${e.term}`).slice(-4)).toEqual(['38/2', '39/2', '40/2', '38/3']);
    // The JSON shape of an entries record.
    expect(report.records.find((r) => r.type === 'entries')).toEqual({
      file: segments[0],
      offset: head('n1'),
      size: entriesRecord(1, 50),
      type: 'entries',
      entries: [{ index: savesInSegment1 + 1, term: 2, entryType: 'normal' }],
    });
    expect(report.records.filter((r) => r.type !== 'entries' && r.type !== 'hardState')).toEqual([
      { file: segments[0], offset: PREAMBLE + hardStateRecord('n1'), size: SNAPSHOT_MARKER, type: 'snapshot', index: 0, term: 0 },
      { file: segments[1], offset: PREAMBLE + hardStateRecord('n1'), size: SNAPSHOT_MARKER, type: 'snapshot', index: 0, term: 0 },
      { file: segments[1], offset: markerAt, size: SNAPSHOT_MARKER, type: 'snapshot', index: 20, term: 2 },
      { file: segments[1], offset: truncateAt, size: TRUNCATE, type: 'truncate', fromIndex: 38 },
    ]);
    expect(report.snapshots).toEqual([{ file: join(t.dir, 'snap', '00000000000000000020-2.snap'), bytes: 101, role: 'current', index: 20, term: 2, dataBytes: 5 }]);
    expect(report.recovered).toEqual({ snapshotIndex: 20, firstIndex: 21, lastIndex: 38, hardState: { term: 3, vote: null, commit: 30 } });
    expect(report.warnings).toEqual([]);
    expect(report.errors).toEqual([]);
  });

  it('a flipped bit in a segment that is not the last: exit 2, naming file and record offset', async () => {
    const buf = readFileSync(segments[0]!);
    const at = head('n1') + 2 * SAVE; // the third entries record (entry 19)
    buf[at + HEADER + 21 + 5] ^= 0x01; // in its entry's data
    writeFileSync(segments[0]!, buf);
    const { code, out } = await cli(t.dir, '--verify');
    expect(code).toBe(EXIT_CORRUPT);
    expect(out).toContain(`error: ${segments[0]} at byte ${at}: CRC mismatch in the final record, but an intact record follows at byte ${at + entriesRecord(1, 50)}: not a torn tail`);
    expect(out).toContain('verify: FAILED');
  });

  it('a torn final record is a warning with exit 0, and the file is left as it was', async () => {
    const last = segments[1]!;
    const buf = readFileSync(last);
    // The header of a 40-byte record of this segment (its tag) whose payload never landed: zeros after it.
    buf.set([0, 0, 0, 40, 1, 0, 0, 0, 7], segment3End);
    buf.writeUInt32BE(segmentFraming(3).tag, segment3End + 9);
    writeFileSync(last, buf);
    const { code, out } = await cli(t.dir, '--verify');
    expect(code).toBe(0);
    expect(out).toContain(`warning: ${last} at byte ${segment3End}: torn final record (${2048 - segment3End} bytes): recovery truncates it`);
    expect(out).toContain('verify: OK');
    expect(readFileSync(last).equals(buf)).toBe(true);
  });

  it('a missing snapshot is an error, as in recovery: the log no longer starts at 1', async () => {
    unlinkSync(join(t.dir, 'snap', '00000000000000000020-2.snap'));
    const { code, report } = await json(t.dir);
    expect(code).toBe(EXIT_CORRUPT);
    expect(report.errors).toEqual([{ file: segments[0], offset: head('n1'), reason: `gap in log indexes: expected 1, found ${savesInSegment1 + 1}` }]);
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
    expect(lines).toContain(`  00000000000000000002.wal  format 2, 2048 bytes (${segment2End} of records), ${2 + 2 * savesInSegment2} records`);
    expect(lines).toContain('  00000000000000000001.spare  2048 bytes  spare: a compacted segment kept for reuse; its old records are not part of the log');
    const line = (offset: number, size: number, what: string): string => `    @${String(offset).padStart(8)}  ${String(size).padStart(6)} B  ${what}`;
    // Segment 2's head has the hard state of the last save in segment 1 (entry 16, commit 15).
    expect(lines).toContain(line(PREAMBLE, hardStateRecord('n1'), 'hardState  term=2 vote=n1 commit=15'));
    expect(lines).toContain(line(head('n1'), entriesRecord(1, 50), 'entries    index=17 (1) term=2 type=normal'));
    expect(lines).toContain(line(truncateAt + TRUNCATE, entriesRecord(1, 0), 'entries    index=38 (1) term=3 type=noop'));
    expect(lines).toContain('records: 25 entries, 27 hard states, 1 truncations, 3 snapshot markers');
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
    // Each save is one entries record of three 100-byte entries; none of the reused file's old records is listed.
    expect(entriesRecords(report).every((r) => r.size === entriesRecord(3, 100) && r.entries.length === 3)).toBe(true);
    const reusedReport = report.segments[report.segments.length - 1]!;
    expect(readFileSync(reused).subarray(reusedReport.recordBytes!).some((b) => b !== 0)).toBe(true); // its previous life's bytes
    // Segment 4, the oldest left, starts after three segments of 9 saves (27 entries) each
    // (those up to 90 are below the snapshot, still on disk).
    const save = entriesRecord(3, 100) + hardStateRecord('n1');
    const savesPerSegment = Math.floor((4096 - head('n1')) / save);
    expect([savesPerSegment, Math.floor((4096 - head(null)) / save)]).toEqual([9, 9]);
    const oldest = 3 * savesPerSegment * 3 + 1;
    expect(allEntries(report).map((e) => e.index)).toEqual(Array.from({ length: 150 - oldest + 1 }, (_, i) => oldest + i));

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
      [52, 9 + 17 + 10, 'entries'], // format 1: u64 index, u64 term, u8 type, data; no data length
      [88, 36, 'entries'],
      [124, 36, 'entries'],
    ]);
    // A format-1 entry record holds exactly one entry.
    expect(entriesRecords(report).map((r) => r.entries)).toEqual([1, 2, 3].map((index) => [{ index, term: 1, entryType: 'normal' }]));
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
      [2, head(null) + entriesRecord(1, 10) + hardStateRecord(null)], // head (preamble, hard state, snapshot marker), entry 4, hard state
    ]);
    expect(after.report.recovered).toEqual({ snapshotIndex: 0, firstIndex: 1, lastIndex: 4, hardState: { term: 1, vote: null, commit: 3 } });
  });
});

describe('wal-inspect on entries records holding several entries', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  const entry = (index: number, term: number, type: EntryType = 'normal'): Entry => ({ index, term, type, data: Buffer.alloc(10, index) });

  async function load(dir: string): Promise<Awaited<ReturnType<FileStorage['load']>>> {
    const s = await FileStorage.open(dir);
    try {
      return await s.load();
    } finally {
      await s.close();
    }
  }

  it('the entries of consecutive saves in one group commit are one record: one line, terms and types shown compactly', async () => {
    const s = await FileStorage.open(t.dir);
    await s.load();
    // Three saves before the first write: one group commit. The last one's hard state is a record after the entries.
    await Promise.all([s.save(null, [entry(1, 1), entry(2, 1, 'noop')]), s.save(null, [entry(3, 2)]), s.save({ term: 2, vote: 'n1', commit: 2 }, [entry(4, 2)])]);
    await s.save({ term: 2, vote: 'n1', commit: 4 }, [entry(5, 2)]);
    await s.close();

    const { code, report } = await json(t.dir);
    expect(code).toBe(0);
    expect(report.errors).toEqual([]);
    const file = report.segments[0]!.file;
    expect(report.records.slice(2)).toEqual([
      {
        file,
        offset: head(null),
        size: entriesRecord(4, 10),
        type: 'entries',
        entries: [
          { index: 1, term: 1, entryType: 'normal' },
          { index: 2, term: 1, entryType: 'noop' },
          { index: 3, term: 2, entryType: 'normal' },
          { index: 4, term: 2, entryType: 'normal' },
        ],
      },
      { file, offset: head(null) + entriesRecord(4, 10), size: hardStateRecord('n1'), type: 'hardState', hardState: { term: 2, vote: 'n1', commit: 2 } },
      { file, offset: head(null) + entriesRecord(4, 10) + hardStateRecord('n1'), size: entriesRecord(1, 10), type: 'entries', entries: [{ index: 5, term: 2, entryType: 'normal' }] },
      { file, offset: head(null) + entriesRecord(4, 10) + hardStateRecord('n1') + entriesRecord(1, 10), size: hardStateRecord('n1'), type: 'hardState', hardState: { term: 2, vote: 'n1', commit: 4 } },
    ]);
    expect(report.counts).toEqual({ entry: 5, hardState: 3, truncate: 0, snapshot: 1 });
    expect(report.recovered).toEqual({ snapshotIndex: 0, firstIndex: 1, lastIndex: 5, hardState: { term: 2, vote: 'n1', commit: 4 } });

    const lines = (await cli(t.dir)).out.split('\n');
    expect(lines).toContain(`    @${String(head(null)).padStart(8)}  ${String(entriesRecord(4, 10)).padStart(6)} B  entries    index=1..4 (4) term=1..2 type=normal,noop`);
    expect(lines).toContain(`    @${String(head(null) + entriesRecord(4, 10) + hardStateRecord('n1')).padStart(8)}  ${String(entriesRecord(1, 10)).padStart(6)} B  entries    index=5 (1) term=2 type=normal`);
    expect(lines).toContain('records: 5 entries, 3 hard states, 0 truncations, 1 snapshot markers');
  });

  it('replays a record entry by entry, as FileStorage.load(): an index at or below the last replaces the suffix from there', async () => {
    // FileStorage would write a truncation between these; recovery accepts them without one.
    const { path } = writeEntriesSegment(t.dir, [[{ index: 1, term: 1 }, { index: 2, term: 1 }, { index: 3, term: 1 }, { index: 2, term: 2 }, { index: 3, term: 2 }], [{ index: 4, term: 2 }]]);
    const { code, report } = await json(t.dir);
    expect(code).toBe(0);
    expect(report.counts.entry).toBe(6);
    const state = await load(t.dir);
    expect(state.entries.map((e) => `${e.index}/${e.term}`)).toEqual(['1/1', '2/2', '3/2', '4/2']);
    expect(report.recovered).toEqual({ snapshotIndex: 0, firstIndex: 1, lastIndex: 4, hardState: state.hardState });
    expect((await cli(t.dir)).out.split('\n')).toContain(`    @${String(head(null)).padStart(8)}  ${String(entriesRecord(5, 10)).padStart(6)} B  entries    index=1..3,2..3 (5) term=1..2 type=normal`);
    expect(path).toBe(report.segments[0]!.file);
  });

  it('a gap inside a record is an error at the record, as in FileStorage.load()', async () => {
    const { path } = writeEntriesSegment(t.dir, [[{ index: 1, term: 1 }], [{ index: 2, term: 1 }, { index: 4, term: 1 }]]);
    const at = head(null) + entriesRecord(1, 10);
    const { code, report } = await json(t.dir);
    expect(code).toBe(EXIT_CORRUPT);
    expect(report.errors).toEqual([{ file: path, offset: at, reason: 'gap in log indexes: expected 3, found 4' }]);
    await expect(load(t.dir)).rejects.toMatchObject({ file: path, offset: at, reason: 'gap in log indexes: expected 3, found 4' });
    // Without --verify the record is listed all the same.
    const listed = await cli(t.dir);
    expect(listed.code).toBe(0);
    expect(listed.out).toContain('entries    index=2,4 (2) term=1 type=normal');
  });

  it('entries after a snapshot whose own entry at its index has another term: recovery discards them, a warning', async () => {
    // As a crash inside installSnapshot leaves it: our log 1..8 at term 1, a received snapshot
    // at 5 whose term (2) says our entry 5 conflicts with it.
    const s = await FileStorage.open(t.dir);
    await s.load();
    await s.save({ term: 1, vote: null, commit: 3 }, [1, 2, 3, 4, 5, 6, 7, 8].map((i) => entry(i, 1)));
    await s.close();
    const other = tempDir();
    try {
      const o = await FileStorage.open(other.dir);
      await o.load();
      const meta = { index: 5, term: 2, config: { voters: ['n1'], learners: [], outgoing: [] } };
      await o.writeSnapshotChunk({ meta, offset: 0, data: Buffer.from('remote'), done: true });
      await o.installSnapshot(meta);
      await o.close();
      const [name] = readdirSync(join(other.dir, 'snap'));
      mkdirSync(join(t.dir, 'snap'), { recursive: true });
      copyFileSync(join(other.dir, 'snap', name!), join(t.dir, 'snap', name!));
    } finally {
      other.cleanup();
    }

    const { code, report } = await json(t.dir);
    expect(code).toBe(0);
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([
      { file: report.segments[0]!.file, offset: head(null), reason: 'entry 5 has term 1 but the snapshot says 2: recovery discards the 3 log entries after it' },
    ]);
    expect(report.recovered).toEqual({ snapshotIndex: 5, firstIndex: null, lastIndex: 5, hardState: { term: 1, vote: null, commit: 3 } });
    const state = await load(t.dir); // makes the discard durable (a truncation and a snapshot marker), so read the report first
    expect(state.entries).toEqual([]);
    const after = await json(t.dir);
    expect(after.report.warnings).toEqual([]);
    expect(after.report.recovered).toEqual(report.recovered);
  });
});
