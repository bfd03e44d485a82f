import fc from 'fast-check';
import { checkHistory } from './check';
import type { KvOperation } from './history';
import { step, type KeyState } from './kv-model';

let nextId = 0;
type Spec = Omit<KvOperation, 'id' | 'client' | 'key' | 'invoke' | 'complete'> & { at: [number, number | null]; key?: string; client?: string };
const op = (s: Spec): KvOperation =>
  ({ ...s, id: nextId++, client: s.client ?? 'c', key: s.key ?? 'k', invoke: s.at[0], complete: s.at[1], at: undefined }) as unknown as KvOperation;
const put = (value: string, at: [number, number | null], output: KvOperation['output'] = {}): KvOperation => op({ op: 'put', value, at, output } as Spec);
const get = (value: string | null | 'unknown', at: [number, number | null]): KvOperation => op({ op: 'get', at, output: value === 'unknown' ? 'unknown' : { value } } as Spec);
const incr = (delta: number, value: number | 'unknown', at: [number, number | null]): KvOperation => op({ op: 'incr', delta, at, output: value === 'unknown' ? 'unknown' : { value } } as Spec);
const cas = (expect: string | null, value: string, succeeded: boolean | 'unknown', at: [number, number | null], current?: string | null): KvOperation =>
  op({ op: 'cas', expect, value, at, output: succeeded === 'unknown' ? 'unknown' : current === undefined ? { succeeded } : { succeeded, current } } as Spec);

describe('checkHistory', () => {
  it('accepts sequential and concurrent linearizable histories', () => {
    expect(checkHistory([put('1', [0, 1]), get('1', [2, 3]), put('2', [4, 5]), get('2', [6, 7])]).linearizable).toBe(true);
    // Overlapping put and get may see either value.
    expect(checkHistory([put('1', [0, 1]), put('2', [2, 6]), get('1', [3, 4])]).linearizable).toBe(true);
    expect(checkHistory([put('1', [0, 1]), put('2', [2, 6]), get('2', [3, 4])]).linearizable).toBe(true);
    expect(checkHistory([get(null, [0, 1]), incr(2, 2, [1, 3]), incr(3, 5, [2, 4])]).linearizable).toBe(true);
  });

  it('rejects the classic stale read and names the three operations involved', () => {
    const r = checkHistory([put('1', [0, 1]), put('2', [2, 3]), get('1', [4, 5])]);
    expect(r.linearizable).toBe(false);
    expect(r.counterexample!.key).toBe('k');
    expect(r.counterexample!.ops.map((o) => o.op)).toEqual(['put', 'put', 'get']);
    expect(r.counterexample!.explanation).toContain('no order of these 3 operations');
  });

  it('rejects a lost update: two increments that both saw the same value', () => {
    const r = checkHistory([incr(1, 1, [0, 10]), incr(1, 1, [1, 11]), get('2', [12, 13])]);
    expect(r.linearizable).toBe(false);
    expect(r.counterexample!.ops.filter((o) => o.op === 'incr')).toHaveLength(2);
  });

  it('minimises a counterexample buried in unrelated operations', () => {
    const noise = Array.from({ length: 30 }, (_, i) => put(`n${i}`, [100 + i * 2, 101 + i * 2], {}));
    const r = checkHistory([put('a', [0, 1]), put('b', [2, 3]), get('a', [4, 5]), ...noise, get(`n29`, [200, 201])]);
    expect(r.linearizable).toBe(false);
    expect(r.counterexample!.ops.map((o) => [o.op, o.op === 'put' ? o.value : 'get'])).toEqual([
      ['put', 'a'],
      ['put', 'b'],
      ['get', 'get'],
    ]);
  });

  it('checks compare-and-set outcomes, including the reported current value', () => {
    expect(checkHistory([put('x', [0, 1]), cas('x', 'y', true, [2, 3]), cas('x', 'z', false, [4, 5], 'y')]).linearizable).toBe(true);
    expect(checkHistory([put('x', [0, 1]), cas('x', 'y', false, [2, 3], 'x')]).linearizable).toBe(false);
    expect(checkHistory([cas(null, 'first', true, [0, 2]), cas(null, 'second', true, [1, 3])]).linearizable).toBe(false);
  });

  it('treats unknown outcomes as possibly applied at any time after invocation, or never', () => {
    // A timed-out put may take effect long after the client gave up …
    expect(checkHistory([put('1', [0, 1]), put('2', [2, null], 'unknown'), get('1', [3, 4]), get('2', [10, 11])]).linearizable).toBe(true);
    // … or never.
    expect(checkHistory([put('1', [0, 1]), put('2', [2, null], 'unknown'), get('1', [10, 11])]).linearizable).toBe(true);
    // But not before it was invoked.
    expect(checkHistory([get('2', [0, 1]), put('2', [2, null], 'unknown')]).linearizable).toBe(false);
  });

  it('splits the history per key (P-compositionality)', () => {
    const r = checkHistory([
      { ...put('1', [0, 1]), key: 'a' },
      { ...get('1', [2, 3]), key: 'a' },
      { ...put('1', [0, 1]), key: 'b' },
      { ...put('2', [2, 3]), key: 'b' },
      { ...get('1', [4, 5]), key: 'b' },
    ]);
    expect(r.perKey).toEqual({ a: true, b: false });
    expect(r.counterexample!.key).toBe('b');
  });
});

/** Runs random operations against the sequential model with random overlapping intervals. */
function sequentialHistory(ops: { kind: number; v: number }[], jitter: number[]): KvOperation[] {
  let state: KeyState = null;
  const out: KvOperation[] = [];
  ops.forEach((o, i) => {
    const at: [number, number] = [i * 10 - (jitter[i] ?? 0), i * 10 + 5 + (jitter[i] ?? 0)];
    let h: KvOperation;
    switch (o.kind % 4) {
      case 0:
        h = put(String(o.v % 3), at);
        break;
      case 1:
        h = get(state, at);
        break;
      case 2: {
        const matches = state === String(o.v % 3);
        h = cas(String(o.v % 3), String((o.v + 1) % 3), matches, at, matches ? undefined : state);
        break;
      }
      default:
        h = op({ op: 'delete', at, output: { deleted: state !== null } } as Spec);
    }
    state = step(state, h)!;
    out.push(h);
  });
  return out;
}

describe('checkHistory properties', () => {
  const arb = fc.record({
    ops: fc.array(fc.record({ kind: fc.nat(3), v: fc.nat(5) }), { minLength: 1, maxLength: 40 }),
    jitter: fc.array(fc.nat(7), { maxLength: 40 }),
  });

  it('histories produced by a sequential execution are linearizable, however much they overlap', () => {
    fc.assert(fc.property(arb, ({ ops, jitter }) => checkHistory(sequentialHistory(ops, jitter), { minimize: false }).linearizable === true), { seed: 7, numRuns: 300 });
  });

  it('corrupting one read of a non-overlapping sequential history makes it non-linearizable', () => {
    fc.assert(
      fc.property(arb, fc.nat(), ({ ops }, pick) => {
        const h = sequentialHistory(ops, []);
        const reads = h.map((o, i) => [o, i] as const).filter(([o]) => o.op === 'get');
        if (reads.length === 0) return true;
        const [target, index] = reads[pick % reads.length]!;
        const seen = (target.output as { value: string | null }).value;
        const wrong = seen === 'zzz' ? null : 'zzz';
        const corrupted = [...h];
        corrupted[index] = { ...target, output: { value: wrong } } as KvOperation;
        return checkHistory(corrupted, { minimize: false }).linearizable === false;
      }),
      { seed: 11, numRuns: 300 },
    );
  });
});

describe('performance', () => {
  it('checks a 10,000-operation history over 10 keys from 10 concurrent clients', () => {
    let seed = 42;
    const rnd = (): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0), seed / 2 ** 32);
    const states = new Map<string, KeyState>();
    const history: KvOperation[] = [];
    // 10 clients, each with one outstanding op; ops take effect at a random point inside their interval.
    for (let i = 0; i < 10_000; i++) {
      const key = `k${Math.floor(rnd() * 10)}`;
      const start = i * 1.0;
      const end = start + 1 + rnd() * 9;
      const kind = Math.floor(rnd() * 3);
      const s = states.get(key) ?? null;
      let h: KvOperation;
      if (kind === 0) h = { ...put(String(i), [start, end]), key, client: `c${i % 10}` };
      else if (kind === 1) h = { ...get(s, [start, end]), key, client: `c${i % 10}` };
      else h = { ...incr(1, 'unknown', [start, null]), key, client: `c${i % 10}` };
      states.set(key, step(s, h)!);
      history.push(h);
    }
    const t0 = performance.now();
    const r = checkHistory(history);
    const ms = performance.now() - t0;
    process.stdout.write(`linearizability: 10,000 ops over 10 keys checked in ${ms.toFixed(0)} ms\n`);
    expect(r.linearizable).toBe(true);
    expect(r.operations).toBe(10_000);
  });
});
