import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStorage } from '@raft/raft-storage';

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'wal-inspect-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A data directory written by FileStorage: 2 KiB segments, 40 saves of one 50-byte entry
 * plus a hard state (vote "n1"), a snapshot at 20 with compaction (segment 1 is kept as a
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
 * `recycleSegments` 2, entries 1..120 (100-byte data, three per save with a hard state), a
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
