import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EntryType } from '@raft/raft-core';
import { encodeEntries, encodeHardState, encodeSegmentPreamble, encodeSnapshotMarker, FileStorage, segmentFraming, segmentName } from '@raft/raft-storage';

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'wal-inspect-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A data directory written by FileStorage: 2 KiB segments, 40 saves (one at a time, so each
 * is a group commit: an entries record, then a hard state record) of one 50-byte entry plus
 * a hard state (vote "n1"), a snapshot at 20 with compaction (segment 1 is kept as a
 * spare file, not deleted), then a conflicting entry 38 at term 3 (a truncation). Returns
 * the segment files left on disk.
 */
export async function writeFixture(dir: string): Promise<string[]> {
  const s = await FileStorage.open(dir, { segmentBytes: 2048 });
  await s.load();
  for (let i = 1; i <= 40; i++) await s.save({ term: 2, vote: 'n1', commit: i - 1 }, [{ index: i, term: 2, type: 'normal', data: Buffer.alloc(50, 97) }]);
  const w = await s.createSnapshot({ index: 20, term: 2, config: { voters: ['n1'], learners: [], outgoing: [] } });
  await w.write(Buffer.from('state'));
  await w.commit();
  await s.compact(20);
  await s.save({ term: 3, vote: null, commit: 30 }, [{ index: 38, term: 3, type: 'noop', data: new Uint8Array() }]);
  const files = s.segmentFiles();
  await s.close();
  return files;
}

/**
 * A data directory written by FileStorage where a spare was reused: 4 KiB segments,
 * `recycleSegments` 2, entries 1..120 (100-byte data, three per save with a hard state: an
 * entries record of three entries, then a hard state record), a
 * snapshot at 90 with compaction (two spares kept, the other compacted segments deleted),
 * then entries 121..150, which start one new segment in a spare file. Returns the segment
 * and spare files left on disk, and the spares there were after compaction with their
 * inode numbers (to tell which file a new segment reused).
 */
export async function writeRecycledFixture(dir: string): Promise<{ segments: string[]; spares: string[]; sparesAfterCompaction: { file: string; ino: number }[] }> {
  const s = await FileStorage.open(dir, { segmentBytes: 4096, recycleSegments: 2 });
  await s.load();
  const fill = async (from: number, to: number): Promise<void> => {
    for (let i = from; i <= to; i += 3) {
      const batch = Array.from({ length: Math.min(3, to - i + 1) }, (_, k) => ({ index: i + k, term: 1, type: 'normal' as const, data: Buffer.alloc(100, i + k) }));
      await s.save({ term: 1, vote: 'n1', commit: i - 1 }, batch);
    }
  };
  await fill(1, 120);
  const w = await s.createSnapshot({ index: 90, term: 1, config: { voters: ['n1'], learners: [], outgoing: [] } });
  await w.write(Buffer.from('state@90'));
  await w.commit();
  await s.compact(90);
  const sparesAfterCompaction = s.spareFiles().map((file) => ({ file, ino: statSync(file).ino }));
  await fill(121, 150);
  const result = { segments: s.segmentFiles(), spares: s.spareFiles(), sparesAfterCompaction };
  await s.close();
  return result;
}

/**
 * Writes segment 1 of a format-2 WAL by hand into `<dir>/wal`: its head (preamble, hard
 * state term 1 without a vote, snapshot marker 0), then one entries record per element of
 * `records` (entries with term `term`, type `type` and 10-byte data, in the order given:
 * FileStorage would not write some of these), then a hard state. Returns the path and where
 * the records end.
 */
export function writeEntriesSegment(dir: string, records: readonly (readonly { index: number; term: number; type?: EntryType }[])[]): { path: string; recordsEnd: number } {
  const wal = join(dir, 'wal');
  mkdirSync(wal, { recursive: true });
  const framing = segmentFraming(1);
  const hardState = { term: 1, vote: null, commit: 0 };
  const body = Buffer.concat([
    encodeSegmentPreamble({ seq: 1, prevRecordsEnd: 0 }),
    encodeHardState(hardState, framing),
    encodeSnapshotMarker(0, 0, framing),
    ...records.map((r) => encodeEntries(r.map((e) => ({ index: e.index, term: e.term, type: e.type ?? 'normal', data: Buffer.alloc(10, e.index) })), framing)),
    encodeHardState(hardState, framing),
  ]);
  const path = join(wal, segmentName(1));
  writeFileSync(path, body);
  return { path, recordsEnd: body.length };
}
