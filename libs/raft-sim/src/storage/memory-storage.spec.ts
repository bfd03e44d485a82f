import type { Entry, SnapshotMeta } from '@raft/raft-core';
import { StorageContractError } from './errors';
import { MemoryStorage } from './memory-storage';

const enc = new TextEncoder();
const entry = (index: number, term: number, text = `e${index}`): Entry => ({ index, term, type: 'normal', data: enc.encode(text) });
const terms = (s: MemoryStorage): number[] => s.entries(0, s.lastIndex() + 1).map((e) => e.term);
const config = { voters: ['n1', 'n2', 'n3'], learners: [], outgoing: [] };

describe('MemoryStorage', () => {
  it('starts empty', () => {
    const s = new MemoryStorage();
    expect(s.loadSync()).toEqual({ hardState: { term: 0, vote: null, commit: 0 }, snapshot: null, entries: [] });
    expect(s.termAt(0)).toBe(0);
  });

  it('appends, and replaces the stored suffix when entries start at or below the last index', () => {
    const s = new MemoryStorage();
    s.saveSync({ term: 1, vote: 'n1', commit: 0 }, [entry(1, 1), entry(2, 1), entry(3, 1)]);
    s.saveSync(null, [entry(2, 2), entry(3, 2), entry(4, 2)]);
    expect(terms(s)).toEqual([1, 2, 2, 2]);
    expect(s.hardState()).toEqual({ term: 1, vote: 'n1', commit: 0 });
    s.saveSync(null, [entry(3, 3)]);
    expect(terms(s)).toEqual([1, 2, 3]);
  });

  it('refuses an append that would leave a gap', () => {
    const s = new MemoryStorage();
    s.saveSync(null, [entry(1, 1)]);
    expect(() => s.saveSync(null, [entry(3, 1)])).toThrow(StorageContractError);
  });

  it('recovers exactly what was saved, as a copy that later saves do not change', () => {
    const s = new MemoryStorage();
    s.saveSync({ term: 2, vote: 'n2', commit: 1 }, [entry(1, 1), entry(2, 2)]);
    const recovered = s.loadSync();
    s.saveSync(null, [entry(3, 2)]);
    expect(recovered.hardState).toEqual({ term: 2, vote: 'n2', commit: 1 });
    expect(recovered.entries.map((e) => e.index)).toEqual([1, 2]);
  });

  it('a local snapshot re-bases the log: covered entries go, later ones stay', () => {
    const s = new MemoryStorage();
    s.saveSync(null, [entry(1, 1), entry(2, 1), entry(3, 2), entry(4, 2)]);
    const meta: SnapshotMeta = { index: 2, term: 1, config };
    s.storeSnapshotSync(meta, enc.encode('state@2'));
    s.compactSync(2);
    expect(s.loadSync().snapshot).toEqual(meta);
    expect(s.loadSync().entries.map((e) => e.index)).toEqual([3, 4]);
    expect(s.termAt(2)).toBe(1);
    expect(s.termAt(1)).toBeUndefined();
    expect(s.size(meta)).toBe(7);
    expect(new TextDecoder().decode(s.read(meta, 2, 3))).toBe('ate');
    expect(() => s.compactSync(3)).toThrow(StorageContractError);
  });

  it('refuses a snapshot whose term does not match the stored log', () => {
    const s = new MemoryStorage();
    s.saveSync(null, [entry(1, 1), entry(2, 1)]);
    expect(() => s.storeSnapshotSync({ index: 2, term: 5, config }, enc.encode('x'))).toThrow(StorageContractError);
  });

  it('assembles received chunks and installs them, keeping a matching suffix', () => {
    const s = new MemoryStorage();
    s.saveSync(null, [entry(1, 1), entry(2, 1), entry(3, 1), entry(4, 1)]);
    const meta: SnapshotMeta = { index: 3, term: 1, config };
    s.writeSnapshotChunkSync({ meta, offset: 0, data: enc.encode('abc'), done: false });
    s.writeSnapshotChunkSync({ meta, offset: 3, data: enc.encode('def'), done: true });
    const installed = s.installSnapshotSync(meta);
    expect(new TextDecoder().decode(installed.data)).toBe('abcdef');
    expect(s.loadSync().entries.map((e) => e.index)).toEqual([4]);
  });

  it('installing a snapshot that conflicts with the log discards the whole log', () => {
    const s = new MemoryStorage();
    s.saveSync(null, [entry(1, 1), entry(2, 1)]);
    const meta: SnapshotMeta = { index: 2, term: 3, config };
    s.writeSnapshotChunkSync({ meta, offset: 0, data: enc.encode('z'), done: true });
    s.installSnapshotSync(meta);
    expect(s.loadSync().entries).toEqual([]);
    expect(s.lastIndex()).toBe(2);
  });

  it('rejects out-of-order chunks and installing an incomplete snapshot', () => {
    const s = new MemoryStorage();
    const meta: SnapshotMeta = { index: 5, term: 2, config };
    expect(() => s.writeSnapshotChunkSync({ meta, offset: 4, data: enc.encode('x'), done: false })).toThrow(StorageContractError);
    expect(() => s.installSnapshotSync(meta)).toThrow(StorageContractError);
  });

  it('serves superseded snapshots to in-flight transfers for a while', () => {
    const s = new MemoryStorage();
    s.saveSync(null, [entry(1, 1), entry(2, 1), entry(3, 1)]);
    const old: SnapshotMeta = { index: 1, term: 1, config };
    s.storeSnapshotSync(old, enc.encode('old'));
    s.storeSnapshotSync({ index: 3, term: 1, config }, enc.encode('newer'));
    expect(s.current()?.index).toBe(3);
    expect(new TextDecoder().decode(s.read(old, 0, 10))).toBe('old');
  });

  it('implements the promise API over the same durable state', async () => {
    const s = new MemoryStorage();
    await s.save({ term: 1, vote: null, commit: 1 }, [entry(1, 1)]);
    const writer = await s.createSnapshot({ index: 1, term: 1, config });
    await writer.write(enc.encode('ab'));
    await writer.write(enc.encode('c'));
    await writer.commit();
    await expect(writer.write(enc.encode('d'))).rejects.toThrow(StorageContractError);
    const reader = await s.openSnapshot();
    const chunks: string[] = [];
    for await (const c of reader!.chunks(2)) chunks.push(new TextDecoder().decode(c));
    expect(chunks).toEqual(['ab', 'c']);
    expect((await s.load()).snapshot?.index).toBe(1);
  });
});
