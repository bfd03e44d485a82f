import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStorage } from '@raft/raft-storage';

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'wal-inspect-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A data directory written by FileStorage: 2 KiB segments, 40 saves of one 50-byte entry
 * plus a hard state (vote "n1"), a snapshot at 20 with compaction, then a conflicting
 * entry 38 at term 3 (a truncation). Returns the segment files left on disk.
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
