import fc from 'fast-check';
import { check } from './check';
import { effectiveCompleteTime, type Operation } from './history';
import { step, type KeyState } from './kv-model';
import { executeSequentially, plannedOp } from '../test/generators';

/**
 * Reference oracle: tries every order of the operations that respects real time (b must
 * precede a when b certainly completed before a was invoked) against the model, keeping
 * one state per key. Exponential; only for histories of a handful of operations.
 */
function bruteForceLinearizable(ops: readonly Operation[]): boolean {
  const used = new Array<boolean>(ops.length).fill(false);
  const extend = (states: Map<string, KeyState>, placed: number): boolean => {
    if (placed === ops.length) return true;
    for (let i = 0; i < ops.length; i++) {
      if (used[i]) continue;
      const o = ops[i]!;
      // Every operation still unplaced that completed before o was invoked must go first.
      if (ops.some((b, j) => !used[j] && j !== i && effectiveCompleteTime(b) < o.invokeTime)) continue;
      const after = step(states.get(o.key) ?? null, o);
      if (after === undefined) continue;
      used[i] = true;
      const ok = extend(new Map(states).set(o.key, after), placed + 1);
      used[i] = false;
      if (ok) return true;
    }
    return false;
  };
  return extend(new Map(), 0);
}

const runs = { numRuns: 400 };

describe('check: properties (fast-check, fixed seeds; a failure prints its seed and counterexample)', () => {
  it('a history executed against the sequential model is linearizable, however much its intervals overlap', () => {
    const arb = fc.array(plannedOp({ maxOverlap: 40, unknown: true, keys: 3 }), { minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(arb, (plan) => {
        const r = check(executeSequentially(plan), { minimize: false });
        expect(r.linearizable).toBe(true);
      }),
      { ...runs, seed: 20240101 },
    );
  });

  it('corrupting one read of a non-overlapping history (to a different value) makes it non-linearizable', () => {
    const arb = fc.tuple(fc.array(plannedOp({ maxOverlap: 4, unknown: false, keys: 2 }), { minLength: 1, maxLength: 40 }), fc.nat(), fc.constantFrom<string | null>('0', '1', '2', 'x', 'never', null));
    fc.assert(
      fc.property(arb, ([plan, pick, wrong]) => {
        const h = executeSequentially(plan);
        const reads = h.flatMap((o, i) => (o.op === 'get' && o.output !== 'unknown' && o.output.value !== wrong ? [i] : []));
        fc.pre(reads.length > 0);
        const index = reads[pick % reads.length]!;
        const corrupted = h.map((o, i) => (i === index ? ({ ...o, output: { value: wrong } } as Operation) : o));
        const r = check(corrupted);
        expect(r.linearizable).toBe(false);
        // The minimised counterexample is a subset of the history and itself not linearizable.
        const ce = r.counterexample!.ops;
        expect(ce.every((o) => corrupted.includes(o))).toBe(true);
        expect(check(ce, { minimize: false }).linearizable).toBe(false);
      }),
      { ...runs, seed: 424242 },
    );
  });

  it('agrees with a brute-force oracle on small histories with arbitrary outputs', () => {
    const arb = fc
      .tuple(fc.array(plannedOp({ maxOverlap: 25, unknown: true, keys: 2 }), { minLength: 1, maxLength: 6 }), fc.array(fc.tuple(fc.nat(), fc.nat(5)), { maxLength: 2 }))
      .map(([plan, mutations]) => {
        // Start from a valid history and change a few outputs, so both verdicts are common.
        const h = executeSequentially(plan);
        for (const [which, to] of mutations) {
          const i = which % h.length;
          h[i] = mutateOutput(h[i]!, to);
        }
        return h;
      });
    let violations = 0;
    fc.assert(
      fc.property(arb, (h) => {
        const expected = bruteForceLinearizable(h);
        if (!expected) violations++;
        expect(check(h).linearizable).toBe(expected);
      }),
      { numRuns: 1500, seed: 777 },
    );
    // The property is only meaningful if the generator produces both verdicts.
    expect(violations).toBeGreaterThan(100);
  });
});

/** A different but well-formed output for the same operation. */
function mutateOutput(o: Operation, to: number): Operation {
  const value = ['0', '1', '2', 'x', null][to % 5] ?? null;
  if (o.completeTime === null) return o;
  switch (o.op) {
    case 'get':
      return { ...o, output: { value } };
    case 'delete':
      return { ...o, output: { deleted: to % 2 === 0 } };
    case 'cas':
      return { ...o, output: to % 2 === 0 ? { succeeded: true } : { succeeded: false, current: value } };
    case 'incr':
      return { ...o, output: { value: to } };
    case 'put':
      return { ...o, input: { value: value ?? '0' } };
  }
}
