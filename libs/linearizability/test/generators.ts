import fc from 'fast-check';
import type { Operation } from '../src/history';
import { step, type KeyState } from '../src/kv-model';

/** One planned operation: what to do, and how its interval sits around its effect point. */
export interface PlannedOp {
  readonly key: number;
  readonly kind: 'put' | 'get' | 'delete' | 'cas' | 'incr';
  readonly arg: number;
  readonly arg2: number;
  /** How long before / after its linearization point the operation was invoked / completed. */
  readonly lead: number;
  readonly lag: number;
  /** 0: answered; 1: unknown and took effect; 2: unknown and never took effect. */
  readonly fate: 0 | 1 | 2;
}

const VALUES = ['0', '1', '2', 'x'];

export const plannedOp = (opts: { maxOverlap: number; unknown: boolean; keys: number }): fc.Arbitrary<PlannedOp> =>
  fc.record({
    key: fc.nat(opts.keys - 1),
    kind: fc.constantFrom('put', 'get', 'get', 'delete', 'cas', 'incr'),
    arg: fc.nat(VALUES.length - 1),
    arg2: fc.nat(VALUES.length),
    lead: fc.nat(opts.maxOverlap),
    lag: fc.nat(opts.maxOverlap),
    fate: opts.unknown ? fc.constantFrom<0 | 1 | 2>(0, 0, 0, 0, 1, 2) : fc.constant<0 | 1 | 2>(0),
  });

/**
 * Executes planned operations one after another against the sequential model: operation i
 * takes effect at time 10·i, inside its interval [10·i − lead, 10·i + lag], and reports what
 * the model answered. The result is linearizable by construction, however much the
 * intervals overlap. Unknown operations report nothing; fate 2 never takes effect.
 */
export function executeSequentially(plan: readonly PlannedOp[]): Operation[] {
  const states = new Map<string, KeyState>();
  return plan.map((p, i) => {
    const key = `k${p.key}`;
    const state = states.get(key) ?? null;
    const at = i * 10;
    const base = { id: i, client: `c${i % 5}`, key, invokeTime: at - p.lead, completeTime: p.fate === 0 ? at + p.lag : null };
    const value = VALUES[p.arg]!;
    let op: Operation;
    switch (p.kind) {
      case 'put':
        op = { ...base, op: 'put', input: { value }, output: {} };
        break;
      case 'get':
        op = { ...base, op: 'get', input: null, output: { value: state } };
        break;
      case 'delete':
        op = { ...base, op: 'delete', input: null, output: { deleted: state !== null } };
        break;
      case 'cas': {
        const expect = p.arg2 === VALUES.length ? null : VALUES[p.arg2]!;
        const ok = state === expect;
        op = { ...base, op: 'cas', input: { expect, value }, output: ok ? { succeeded: true } : { succeeded: false, current: state } };
        break;
      }
      case 'incr': {
        const numeric = state === null || /^-?\d+$/.test(state);
        op = { ...base, op: 'incr', input: { delta: p.arg + 1 }, output: numeric ? { value: Number(state ?? '0') + p.arg + 1 } : { error: 'not-an-integer' } };
        break;
      }
    }
    const after = step(state, op);
    if (after === undefined) throw new Error(`generator bug: model refused its own answer for ${JSON.stringify(op)}`);
    if (p.fate !== 2) states.set(key, after);
    return p.fate === 0 ? op : ({ ...op, output: 'unknown' } as Operation);
  });
}
