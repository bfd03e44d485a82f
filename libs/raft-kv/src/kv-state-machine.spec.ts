import { Packr } from 'msgpackr';
import type { Entry, SnapshotReader, SnapshotWriter } from '@raft/raft-core';
import { encodeCommand, type KvCommand, type KvResult } from './commands';
import { encodeMsgpackCommand } from './msgpack-command';
import { KvStateMachine } from './kv-state-machine';
import { frameRecord } from './snapshot-codec';
import type { ChangeEvent } from './watch-hub';
import { HistoryCompactedError } from './watch-hub';

let index = 0;
const entry = (cmd: Omit<KvCommand, 'ts' | 'clientId' | 'requestId'> & Partial<KvCommand>): Entry => ({
  index: ++index,
  term: 1,
  type: 'normal',
  data: encodeCommand({ clientId: 'c1', requestId: `r${index}`, ts: 1000 + index, ...cmd } as KvCommand),
});
const run = (sm: KvStateMachine, cmd: Parameters<typeof entry>[0]): KvResult => sm.apply(entry(cmd)).result;

/** An in-memory snapshot sink/source pair, chunked to exercise the streaming code. */
function memorySnapshot(): { writer: SnapshotWriter; reader: () => SnapshotReader } {
  const chunks: Uint8Array[] = [];
  return {
    writer: {
      write: async (c) => void chunks.push(c.slice()),
      commit: async () => undefined,
      abort: async () => undefined,
    },
    reader: () => ({
      meta: { index: 1, term: 1, config: { voters: [], learners: [], outgoing: [] } },
      size: chunks.reduce((n, c) => n + c.length, 0),
      async *chunks() {
        // Re-chunk at 7 bytes so records straddle chunk boundaries.
        const all = Buffer.concat(chunks);
        for (let o = 0; o < all.length; o += 7) yield all.subarray(o, o + 7);
      },
    }),
  };
}

describe('KvStateMachine', () => {
  it('put, get, delete bump one global revision and report the previous value', () => {
    const sm = new KvStateMachine();
    expect(run(sm, { op: 'put', key: 'a', value: '1' })).toEqual({ op: 'put', revision: 1 });
    expect(run(sm, { op: 'put', key: 'a', value: '2' })).toEqual({ op: 'put', revision: 2, prev: '1' });
    expect(sm.get('a')).toEqual({ value: '2', createRevision: 1, modRevision: 2, version: 2 });
    expect(run(sm, { op: 'del', key: 'a' })).toEqual({ op: 'del', revision: 3, deleted: true });
    expect(run(sm, { op: 'del', key: 'a' })).toEqual({ op: 'del', revision: 3, deleted: false });
    expect(sm.get('a')).toBeUndefined();
  });

  it('compare-and-set succeeds only on a match; expect null means "must not exist"', () => {
    const sm = new KvStateMachine();
    expect(run(sm, { op: 'cas', key: 'k', expect: null, value: 'v1' })).toEqual({ op: 'cas', succeeded: true, revision: 1 });
    expect(run(sm, { op: 'cas', key: 'k', expect: null, value: 'v2' })).toEqual({ op: 'cas', succeeded: false, revision: 1, current: 'v1' });
    expect(run(sm, { op: 'cas', key: 'k', expect: 'nope', value: 'v2' })).toEqual({ op: 'cas', succeeded: false, revision: 1, current: 'v1' });
    expect(run(sm, { op: 'cas', key: 'k', expect: 'v1', value: 'v2' })).toEqual({ op: 'cas', succeeded: true, revision: 2 });
    expect(run(sm, { op: 'cas', key: 'missing', expect: 'x', value: 'y' })).toEqual({ op: 'cas', succeeded: false, revision: 2 });
  });

  it('increments integers and refuses non-integers without changing state', () => {
    const sm = new KvStateMachine();
    expect(run(sm, { op: 'incr', key: 'n', delta: 5 })).toEqual({ op: 'incr', value: 5, revision: 1 });
    expect(run(sm, { op: 'incr', key: 'n', delta: -7 })).toEqual({ op: 'incr', value: -2, revision: 2 });
    run(sm, { op: 'put', key: 's', value: 'abc' });
    expect(run(sm, { op: 'incr', key: 's', delta: 1 })).toEqual({ op: 'rejected', error: 'value of s is not an integer', revision: 3 });
    expect(sm.revision()).toBe(3);
  });

  it('executes a retried request once and returns the first result', () => {
    const sm = new KvStateMachine();
    const first = sm.apply(entry({ op: 'incr', key: 'n', delta: 1, clientId: 'c9', requestId: 'same' }));
    const retry = sm.apply(entry({ op: 'incr', key: 'n', delta: 1, clientId: 'c9', requestId: 'same' }));
    expect(first).toEqual({ key: 'c9\u0000same', result: { op: 'incr', value: 1, revision: 1 } });
    expect(retry).toEqual(first);
    expect(sm.get('n')!.value).toBe('1');
  });

  it('applies a log written by an earlier version (msgpack commands) like one written now', () => {
    const legacy = new KvStateMachine();
    const current = new KvStateMachine();
    const cmds: KvCommand[] = [
      { op: 'put', key: 'a', value: '1', clientId: 'c1', requestId: 'q1', ts: 10 },
      { op: 'incr', key: 'a', delta: 4, clientId: 'c1', requestId: 'q2', ts: 11 },
      { op: 'incr', key: 'a', delta: 4, clientId: 'c1', requestId: 'q2', ts: 12 },
      { op: 'cas', key: 'b', expect: null, value: 'x', clientId: 'c2', requestId: 'q1', untracked: true, ts: 13 },
    ];
    const results = (sm: KvStateMachine, encode: (c: KvCommand) => Uint8Array): KvResult[] =>
      cmds.map((c, i) => sm.apply({ index: i + 1, term: 1, type: 'normal', data: encode(c) }).result);
    expect(results(legacy, encodeMsgpackCommand)).toEqual(results(current, encodeCommand));
    expect([legacy.get('a')?.value, legacy.get('b')?.value]).toEqual(['5', 'x']);
  });

  it('applies a malformed entry as a rejection instead of failing the replica', () => {
    const sm = new KvStateMachine();
    const out = sm.apply({ index: ++index, term: 1, type: 'normal', data: new Uint8Array([0xc1]) });
    expect(out.key).toBeNull();
    expect(out.result.op).toBe('rejected');
  });

  it('streams changes under a prefix in revision order, replaying retained history first', () => {
    const sm = new KvStateMachine();
    run(sm, { op: 'put', key: 'app/a', value: '1' });
    run(sm, { op: 'put', key: 'other', value: 'x' });
    const seen: ChangeEvent[] = [];
    const stop = sm.watch.watch('app/', 0, (e) => seen.push(e));
    run(sm, { op: 'del', key: 'app/a' });
    run(sm, { op: 'put', key: 'app/b', value: '2' });
    stop();
    run(sm, { op: 'put', key: 'app/c', value: '3' });
    expect(seen).toEqual([
      { revision: 1, type: 'put', key: 'app/a', value: '1' },
      { revision: 3, type: 'delete', key: 'app/a', prevValue: '1' },
      { revision: 4, type: 'put', key: 'app/b', value: '2' },
    ]);
  });

  it('refuses watches from compacted history with a typed error', () => {
    const sm = new KvStateMachine({ watchHistory: 2 });
    for (let i = 0; i < 10; i++) run(sm, { op: 'put', key: 'k', value: String(i) });
    expect(() => sm.watch.watch('', 1, () => undefined)).toThrow(HistoryCompactedError);
    const seen: number[] = [];
    sm.watch.watch('', 9, (e) => seen.push(e.revision));
    expect(seen).toEqual([10]);
  });

  it('snapshots stream out and restore to an identical state, keeping duplicate detection', async () => {
    const sm = new KvStateMachine();
    for (let i = 0; i < 1500; i++) run(sm, { op: 'put', key: `k${i}`, value: `v${i}` });
    const dup = entry({ op: 'incr', key: 'n', delta: 1, clientId: 'c2', requestId: 'once' });
    sm.apply(dup);
    const snap = memorySnapshot();
    await sm.writeSnapshot(snap.writer);
    const copy = new KvStateMachine();
    await copy.restore(snap.reader());
    expect(copy.revision()).toBe(sm.revision());
    expect([...copy.store.entries()]).toEqual([...sm.store.entries()]);
    expect(copy.apply({ ...dup, index: ++index }).result).toEqual({ op: 'incr', value: 1, revision: 1501 });
    expect(copy.get('n')!.value).toBe('1');
  });

  it('a captured snapshot is the state at capture even when entries are applied before and while it is written', async () => {
    const sm = new KvStateMachine();
    for (let i = 0; i < 1200; i++) run(sm, { op: 'put', key: `k${i}`, value: `v${i}` });
    run(sm, { op: 'incr', key: 'n', delta: 5, clientId: 'c3', requestId: 'before' });
    const atCapture = new KvStateMachine();
    const expectSnap = memorySnapshot();
    await sm.writeSnapshot(expectSnap.writer);
    await atCapture.restore(expectSnap.reader());

    const captured = sm.captureSnapshot();
    // Changes after capture: overwrite, delete, create, and a new session.
    run(sm, { op: 'put', key: 'k1', value: 'changed' });
    run(sm, { op: 'del', key: 'k2' });
    run(sm, { op: 'put', key: 'fresh', value: 'new' });
    const snap = memorySnapshot();
    let writes = 0;
    const writing = captured.write({
      ...snap.writer,
      write: async (c) => {
        // Keep applying while the snapshot streams out.
        if (writes++ === 1) {
          run(sm, { op: 'del', key: 'k1000' });
          run(sm, { op: 'put', key: 'k3', value: 'during' });
        }
        await snap.writer.write(c);
      },
    });
    await writing;
    captured.release();
    const copy = new KvStateMachine();
    await copy.restore(snap.reader());
    expect(copy.revision()).toBe(atCapture.revision());
    expect([...copy.store.entries()]).toEqual([...atCapture.store.entries()]);
    expect(copy.get('k1')!.value).toBe('v1');
    expect(copy.get('fresh')).toBeUndefined();
    // Sessions as of capture: the pre-capture request is still a duplicate.
    expect(copy.apply(entry({ op: 'incr', key: 'n', delta: 5, clientId: 'c3', requestId: 'before' })).result).toEqual({ op: 'incr', value: 5, revision: 1201 });
  });

  it('a captured snapshot holds the client sessions as of capture, streamed in batches', async () => {
    const sm = new KvStateMachine();
    // More sessions than one snapshot batch holds.
    for (let c = 0; c < 1300; c++) run(sm, { op: 'incr', key: `n${c}`, delta: 1, clientId: `client-${c}`, requestId: 'before' });
    const captured = sm.captureSnapshot();
    const sessionsAtCapture = sm.sessionCount();
    // After capture: captured sessions change (new requests), and new sessions appear.
    for (let c = 0; c < 20; c++) run(sm, { op: 'incr', key: `n${c}`, delta: 1, clientId: `client-${c}`, requestId: 'after' });
    run(sm, { op: 'put', key: 'x', value: '1', clientId: 'newcomer', requestId: 'r' });
    const snap = memorySnapshot();
    let writes = 0;
    await captured.write({
      ...snap.writer,
      write: async (c) => {
        if (writes++ === 1) for (let c2 = 20; c2 < 40; c2++) run(sm, { op: 'incr', key: `n${c2}`, delta: 1, clientId: `client-${c2}`, requestId: 'during' });
        await snap.writer.write(c);
      },
    });
    captured.release();
    expect(sm.sessionCount()).toBe(sessionsAtCapture + 1);

    const copy = new KvStateMachine();
    await copy.restore(snap.reader());
    expect(copy.sessionCount()).toBe(sessionsAtCapture);
    expect(copy.revision()).toBe(1300);
    // A request from before capture is a duplicate there; one from after capture runs anew.
    expect(copy.apply(entry({ op: 'incr', key: 'n5', delta: 1, clientId: 'client-5', requestId: 'before' })).result).toEqual({ op: 'incr', value: 1, revision: 6 });
    expect(copy.apply(entry({ op: 'incr', key: 'n5', delta: 1, clientId: 'client-5', requestId: 'after' })).result).toEqual({ op: 'incr', value: 2, revision: 1301 });
    expect(copy.apply(entry({ op: 'incr', key: 'n25', delta: 1, clientId: 'client-25', requestId: 'during' })).result).toEqual({ op: 'incr', value: 2, revision: 1302 });
    // The capture is released: a new one can be taken.
    sm.captureSnapshot().release();
  });

  it('restores a snapshot in the v1 layout (sessions inside the header)', async () => {
    const v1 = [
      frameRecord({
        v: 1,
        revision: 2,
        keys: 1,
        sessions: { version: 1, lastIndex: 2, clock: 1002, sessions: [{ clientId: 'old', kind: 'id', lastIndex: 2, lastTime: 1002, results: [['r1', { op: 'put', revision: 2 }]] }] },
      }),
      frameRecord([['k', 'v', 1, 2, 2]]),
    ];
    const sm = new KvStateMachine();
    await sm.restore({ meta: { index: 2, term: 1, config: { voters: [], learners: [], outgoing: [] } }, size: 0, chunks: async function* () { yield* v1; } });
    expect(sm.get('k')).toMatchObject({ value: 'v', modRevision: 2 });
    expect(sm.sessionCount()).toBe(1);
    expect(sm.apply(entry({ op: 'put', key: 'k', value: 'again', clientId: 'old', requestId: 'r1' })).result).toEqual({ op: 'put', revision: 2 });
  });

  it('restores a snapshot in the v2 layout (session and key batches in msgpack)', async () => {
    const v2 = [
      frameRecord({ v: 2, revision: 3, keys: 2, sessions: { lastIndex: 3, clock: 1003, count: 1 } }),
      frameRecord([{ clientId: 'old', kind: 'id', lastIndex: 3, lastTime: 1003, results: [['r1', { op: 'put', revision: 3 }]] }]),
      frameRecord([
        ['k', 'v', 1, 2, 2],
        ['é', '👋', 3, 3, 1],
      ]),
    ];
    const sm = new KvStateMachine();
    await sm.restore({ meta: { index: 3, term: 1, config: { voters: [], learners: [], outgoing: [] } }, size: 0, chunks: async function* () { yield* v2; } });
    expect(sm.get('é')).toEqual({ value: '👋', createRevision: 3, modRevision: 3, version: 1 });
    expect(sm.revision()).toBe(3);
    expect(sm.apply(entry({ op: 'put', key: 'k', value: 'again', clientId: 'old', requestId: 'r1' })).result).toEqual({ op: 'put', revision: 3 });
  });

  it('writes snapshots that restore every key exactly, across batches and with large values', async () => {
    const sm = new KvStateMachine();
    for (let i = 0; i < 1500; i++) run(sm, { op: 'put', key: `key/${i}/ключ`, value: i === 700 ? 'w'.repeat(200_000) : `value ${i} 👋` });
    run(sm, { op: 'del', key: 'key/3/ключ' });
    run(sm, { op: 'put', key: 'key/4/ключ', value: 'changed' });
    const snap = memorySnapshot();
    await sm.writeSnapshot(snap.writer);
    const copy = new KvStateMachine();
    await copy.restore(snap.reader());
    expect([...copy.store.entries()]).toEqual([...sm.store.entries()]);
    expect(copy.revision()).toBe(sm.revision());
  });

  it('refuses a snapshot of a version it does not know', async () => {
    const v9 = [frameRecord({ v: 9, revision: 1, keys: 0 })];
    const sm = new KvStateMachine();
    await expect(sm.restore({ meta: { index: 1, term: 1, config: { voters: [], learners: [], outgoing: [] } }, size: 0, chunks: async function* () { yield* v9; } })).rejects.toThrow(
      'unsupported KV snapshot version 9',
    );
  });

  it('untracked commands (server-made ids) run without a session but move the session clock', () => {
    const sm = new KvStateMachine({ sessionTtlMs: 1000 });
    expect(run(sm, { op: 'put', key: 't', value: '1', clientId: 'keep', requestId: 'k1' })).toMatchObject({ op: 'put' });
    const before = sm.sessionCount();
    for (let i = 0; i < 5; i++) {
      expect(run(sm, { op: 'incr', key: 'u', delta: 1, clientId: `anon-${i}`, requestId: `x${i}`, untracked: true })).toMatchObject({ op: 'incr', value: i + 1 });
    }
    expect(sm.sessionCount()).toBe(before);
    // Far later in leader time: the tracked client's session expires on the untracked entry.
    sm.apply({ ...entry({ op: 'put', key: 'late', value: '1', clientId: 'anon-late', requestId: 'y', untracked: true }), data: encodeCommand({ op: 'put', key: 'late', value: '1', clientId: 'anon-late', requestId: 'y', untracked: true, ts: 1_000_000 }) });
    expect(sm.sessionCount()).toBe(0);
  });

  it('refuses an entry whose untracked flag is not true (applied as a rejection)', () => {
    const sm = new KvStateMachine();
    const bad = new Packr({ useRecords: false }).pack({ op: 'put', key: 'k', value: 'v', clientId: 'c', requestId: 'r', ts: 1, untracked: 'yes' });
    expect(sm.apply({ index: ++index, term: 1, type: 'normal', data: bad }).result).toEqual({ op: 'rejected', error: 'untracked must be true when present', revision: 0 });
  });

  it('rejects a truncated snapshot rather than loading part of the state', async () => {
    const sm = new KvStateMachine();
    for (let i = 0; i < 600; i++) run(sm, { op: 'put', key: `k${i}`, value: 'v' });
    const snap = memorySnapshot();
    await sm.writeSnapshot(snap.writer);
    const full = snap.reader();
    const truncated: SnapshotReader = {
      ...full,
      async *chunks() {
        let n = 0;
        for await (const c of full.chunks()) if (n++ < 50) yield c;
      },
    };
    await expect(new KvStateMachine().restore(truncated)).rejects.toThrow('truncated or inconsistent');
  });
});

describe('KvStateMachine stream append (chat ordering)', () => {
  const append = (sm: KvStateMachine, stream: string, sender: string, clientMsgId: string, body: string, requestId = `${sender}/${clientMsgId}/${index}`) =>
    sm.apply(entry({ op: 'append', key: stream, sender, clientMsgId, msgId: `m-${index + 1}`, body, clientId: sender, requestId } as KvCommand)).result;

  it('assigns strictly increasing, gapless sequence numbers per stream', () => {
    const sm = new KvStateMachine();
    const seqs = ['a', 'b', 'c'].map((b, i) => append(sm, 'conv1', 'u1', `c${i}`, b));
    const other = append(sm, 'conv2', 'u1', 'c0', 'x');
    expect(seqs.map((r) => (r.op === 'append' ? r.seq : -1))).toEqual([1, 2, 3]);
    expect(other).toMatchObject({ op: 'append', stream: 'conv2', seq: 1, duplicate: false });
  });

  it('a retried (sender, clientMsgId) returns the original message even with a new request id', () => {
    const sm = new KvStateMachine();
    const first = append(sm, 'conv', 'u1', 'hello-1', 'hello', 'r1');
    append(sm, 'conv', 'u2', 'x', 'other');
    const retry = append(sm, 'conv', 'u1', 'hello-1', 'hello', 'r2');
    const sameRequest = append(sm, 'conv', 'u1', 'hello-1', 'hello', 'r1'); // answered from the session cache
    expect(sameRequest).toMatchObject({ op: 'append', seq: 1, duplicate: true });
    expect(first).toMatchObject({ seq: 1, duplicate: false });
    expect(retry).toMatchObject({ op: 'append', seq: 1, duplicate: true, msgId: (first as { msgId: string }).msgId });
    expect(sm.get('stream/conv/seq')!.value).toBe('2');
  });

  it('publishes the message on the stream prefix, counter first, message last', () => {
    const sm = new KvStateMachine();
    const keys: string[] = [];
    sm.watch.watch('stream/conv/', 0, (e) => keys.push(e.key));
    append(sm, 'conv', 'u1', 'k', 'body');
    expect(keys).toEqual(['stream/conv/seq', 'stream/conv/d/u1\u0000k', 'stream/conv/m/000000000001']);
    const stored = JSON.parse(sm.get('stream/conv/m/000000000001')!.value);
    expect(stored).toMatchObject({ stream: 'conv', seq: 1, sender: 'u1', clientMsgId: 'k', body: 'body' });
    expect(stored.revision).toBe(sm.get('stream/conv/m/000000000001')!.modRevision);
  });
});
