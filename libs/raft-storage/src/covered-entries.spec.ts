import type { SnapshotMeta } from '@raft/raft-core';
import { entries, tempDir } from '../test/helpers';
import { WalCorruptionError } from './errors';
import { FileStorage } from './file-storage';

const config = { voters: ['n1', 'n2', 'n3'], learners: [], outgoing: [] };
const meta = (index: number, term: number): SnapshotMeta => ({ index, term, config });

/** Entries 1..10 at term 1, a snapshot at 5, compacted. */
async function compactedAt5(dir: string): Promise<FileStorage> {
  const s = await FileStorage.open(dir);
  await s.load();
  await s.save(null, entries(1, 10, 1));
  const w = await s.createSnapshot(meta(5, 1));
  await w.write(Buffer.from('five'));
  await w.commit();
  await s.compact(5);
  return s;
}

async function reload(dir: string): Promise<number[]> {
  const s = await FileStorage.open(dir);
  const state = await s.load();
  await s.close();
  return state.entries.map((e) => e.index);
}

// Regression: a save whose first entries are already covered by the snapshot (a re-sent
// prefix) used to be counted into the in-memory term index, shifting it by the covered
// entries. Later gap checks and the InstallSnapshot "keep the matching suffix" decision then
// looked at the wrong entries.
describe('saving entries the snapshot already covers', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  it('skips them: the log continues right after the last real entry and gaps are still refused', async () => {
    const s = await compactedAt5(t.dir);
    await s.save(null, entries(4, 11, 1));
    await expect(s.save(null, entries(13, 13, 1))).rejects.toBeInstanceOf(WalCorruptionError);
    await s.save(null, entries(12, 12, 1));
    await s.close();
    expect(await reload(t.dir)).toEqual([6, 7, 8, 9, 10, 11, 12]);
  });

  it('InstallSnapshot still discards a log whose entry at the snapshot index has another term', async () => {
    const s = await compactedAt5(t.dir);
    // 4..9 re-sent at term 1, then 10..12 at term 2 replace our 10 (term 1).
    await s.save(null, [...entries(4, 9, 1), ...entries(10, 12, 2)]);
    await s.writeSnapshotChunk({ meta: meta(11, 1), offset: 0, data: Buffer.from('eleven'), done: true });
    await s.installSnapshot(meta(11, 1)); // our 11 has term 2 ≠ 1: nothing after it may be kept
    await s.close();
    expect(await reload(t.dir)).toEqual([]);
  });
});
