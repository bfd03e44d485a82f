import fc from 'fast-check';
import { KvStore, SnapshotViewError, type KeyValue } from './kv-store';

type Op = { kind: 'put'; key: string; value: string } | { kind: 'del'; key: string };

const keyArb = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), key: keyArb, value: fc.string({ maxLength: 3 }) }),
  fc.record({ kind: fc.constant('del' as const), key: keyArb }),
);

function applyOp(store: KvStore, op: Op): void {
  if (op.kind === 'put') store.put(op.key, op.value);
  else store.delete(op.key);
}

function contents(entries: Iterable<[string, KeyValue]>): Map<string, KeyValue> {
  return new Map([...entries].map(([k, v]) => [k, { ...v }]));
}

describe('KvStore point-in-time views', () => {
  it('a view reads exactly the state at capture, whatever changes while it is being read', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 30 }), fc.array(opArb, { maxLength: 30 }), fc.nat(40), (before, after, readAfter) => {
        const store = new KvStore();
        for (const op of before) applyOp(store, op);
        const expected = contents(store.entries());
        const revision = store.revision;
        const view = store.capture();
        // Interleave: consume part of the view, mutate, consume the rest.
        const seen: [string, KeyValue][] = [];
        const it = view.entries();
        for (let i = 0; i < readAfter; i++) {
          const next = it.next();
          if (next.done) break;
          seen.push(next.value);
        }
        for (const op of after) applyOp(store, op);
        for (let next = it.next(); !next.done; next = it.next()) seen.push(next.value);
        view.release();
        expect(view.revision).toBe(revision);
        expect(view.size).toBe(expected.size);
        expect(seen.length).toBe(expected.size);
        expect(contents(seen)).toEqual(expected);
      }),
      { seed: 20261123, numRuns: 500 },
    );
  });

  it('lists keys in insertion order, which every replica applying the same log shares', () => {
    const store = new KvStore();
    for (const k of ['z', 'a', 'm']) store.put(k, k);
    store.delete('a');
    store.put('a', 'again');
    const view = store.capture();
    expect([...view.entries()].map(([k]) => k)).toEqual(['z', 'm', 'a']);
    view.release();
  });

  it('one view at a time; release stops preserving; clear makes an open view unreadable', () => {
    const store = new KvStore();
    store.put('k', '1');
    const first = store.capture();
    expect(() => store.capture()).toThrow(SnapshotViewError);
    first.release();
    first.release();
    const second = store.capture();
    store.clear();
    expect(() => [...second.entries()]).toThrow(SnapshotViewError);
    // The store is usable (and capturable) again after clear.
    store.put('k', '2');
    const third = store.capture();
    expect([...third.entries()].map(([k, v]) => [k, v.value])).toEqual([['k', '2']]);
    third.release();
  });
});
