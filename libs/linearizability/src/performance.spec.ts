import { check } from './check';
import type { Operation } from './history';
import { step, type KeyState } from './kv-model';

/** Small seeded generator (LCG) so the benchmark history is the same on every run. */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0), x / 2 ** 32);
}

/**
 * 10 clients, each running one operation at a time back to back, on 10 keys. Every
 * operation takes effect at a random point inside its interval; answers are computed by
 * applying the operations to the model in effect order. 2% of operations time out.
 */
function concurrentHistory(total: number, clients: number, keys: number, seed: number): Operation[] {
  const rnd = lcg(seed);
  const planned: { client: number; invoke: number; complete: number; at: number }[] = [];
  const clock = new Array<number>(clients).fill(0);
  for (let i = 0; i < total; i++) {
    const c = i % clients;
    const invoke = clock[c]! + rnd() * 2;
    const complete = invoke + 1 + rnd() * 20;
    planned.push({ client: c, invoke, complete, at: invoke + rnd() * (complete - invoke) });
    clock[c] = complete;
  }
  const order = planned.map((_, i) => i).sort((a, b) => planned[a]!.at - planned[b]!.at);
  const states = new Map<string, KeyState>();
  const ops = new Array<Operation>(total);
  for (const i of order) {
    const p = planned[i]!;
    const key = `k${Math.floor(rnd() * keys)}`;
    const s = states.get(key) ?? null;
    const base = { id: i, client: `c${p.client}`, key, invokeTime: p.invoke, completeTime: p.complete };
    const roll = rnd();
    let op: Operation;
    if (roll < 0.4) op = { ...base, op: 'get', input: null, output: { value: s } };
    else if (roll < 0.65) op = { ...base, op: 'put', input: { value: String(i % 7) }, output: {} };
    else if (roll < 0.8) op = { ...base, op: 'cas', input: { expect: String(i % 7), value: String((i + 1) % 7) }, output: s === String(i % 7) ? { succeeded: true } : { succeeded: false, current: s } };
    else if (roll < 0.95) op = { ...base, op: 'incr', input: { delta: 1 }, output: { value: Number(s ?? '0') + 1 } };
    else op = { ...base, op: 'delete', input: null, output: { deleted: s !== null } };
    states.set(key, step(s, op)!);
    ops[i] = rnd() < 0.02 ? ({ ...op, completeTime: null, output: 'unknown' } as Operation) : op;
  }
  return ops;
}

describe('check: performance', () => {
  it('checks a 10,000-operation history of 10 concurrent clients over 10 keys (time printed, not asserted)', () => {
    const history = concurrentHistory(10_000, 10, 10, 42);
    const t0 = performance.now();
    const r = check(history);
    const ms = performance.now() - t0;
    const states = Object.values(r.perKey).reduce((n, k) => n + k.statesExplored, 0);
    process.stdout.write(`linearizability: 10,000 operations (10 clients, 10 keys, 2% unknown) checked in ${ms.toFixed(0)} ms, ${states} states explored\n`);
    expect(r.linearizable).toBe(true);
    expect(r.operations).toBe(10_000);
    expect(Object.keys(r.perKey)).toHaveLength(10);
  });
});
