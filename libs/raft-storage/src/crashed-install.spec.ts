import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SnapshotMeta } from '@raft/raft-core';
import { entries, openStorage, tempDir, type Loaded } from '../test/helpers';

const config = { voters: ['n1', 'n2', 'n3'], learners: [], outgoing: [] };
const meta = (index: number, term: number): SnapshotMeta => ({ index, term, config });

const open = (dir: string, warnings: string[] = []): Promise<Loaded> => openStorage(dir, warnings);

describe('a crash inside installSnapshot (snapshot durable, WAL records not yet written)', () => {
  let t: ReturnType<typeof tempDir>;
  let scratch: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
    scratch = tempDir();
  });
  afterEach(() => {
    t.cleanup();
    scratch.cleanup();
  });

  /** Leaves our WAL untouched and a completed received snapshot `m` next to it. */
  async function crashAfterSnapshotRename(m: SnapshotMeta): Promise<void> {
    const other = await open(scratch.dir);
    await other.s.writeSnapshotChunk({ meta: m, offset: 0, data: Buffer.from('remote'), done: true });
    await other.s.installSnapshot(m);
    await other.s.close();
    const [name] = readdirSync(join(scratch.dir, 'snap'));
    copyFileSync(join(scratch.dir, 'snap', name!), join(t.dir, 'snap', name!));
  }

  it('recovery applies the receiver rule: a conflicting suffix after the snapshot is discarded, durably', async () => {
    const first = await open(t.dir);
    await first.s.save({ term: 1, vote: null, commit: 3 }, entries(1, 8, 1)); // our log: term 1 throughout
    await first.s.close();
    await crashAfterSnapshotRename(meta(5, 2)); // the leader's snapshot says index 5 has term 2
    const warnings: string[] = [];
    const r = await open(t.dir, warnings);
    expect(r.state.snapshot).toEqual(meta(5, 2));
    expect(r.state.entries).toEqual([]);
    expect(warnings).toEqual([expect.stringContaining('discarding 3 log entries after snapshot 5')]);
    // New entries from the leader survive the next restart (the discard itself was durable).
    await r.s.save(null, entries(6, 7, 2));
    await r.s.close();
    const again = await open(t.dir);
    expect(again.state.entries.map((e) => `${e.index}:${e.term}`)).toEqual(['6:2', '7:2']);
    await again.s.close();
  });

  it('keeps a matching suffix, as installSnapshot would have', async () => {
    const first = await open(t.dir);
    await first.s.save(null, entries(1, 8, 1));
    await first.s.close();
    await crashAfterSnapshotRename(meta(5, 1));
    const r = await open(t.dir);
    expect(r.state.entries.map((e) => e.index)).toEqual([6, 7, 8]);
    await r.s.close();
  });
});
