import { describeOperation, type KvOperation } from './history';
import { minimizeCounterexample } from './minimize';
import { checkKeyHistory, type KeyVerdict } from './wgl';

export interface CheckOptions {
  /** Search budget per key (steps); an exhausted budget gives verdict 'unknown'. */
  readonly maxStepsPerKey?: number;
  /** Skip counterexample minimisation (it re-checks subsets). */
  readonly minimize?: boolean;
}

export interface Counterexample {
  readonly key: string;
  /** A smallest set of operations (1-minimal) that cannot be ordered. */
  readonly ops: readonly KvOperation[];
  readonly explanation: string;
}

export interface CheckResult {
  /** true, false, or 'unknown' when the search budget ran out for some key. */
  readonly linearizable: boolean | 'unknown';
  readonly perKey: Readonly<Record<string, KeyVerdict['linearizable']>>;
  readonly operations: number;
  readonly counterexample?: Counterexample;
}

/**
 * Checks a KV history for linearizability. Keys are independent objects, so the history
 * is split per key (P-compositionality) and each part is searched on its own.
 */
export function checkHistory(history: readonly KvOperation[], options: CheckOptions = {}): CheckResult {
  const byKey = new Map<string, KvOperation[]>();
  for (const o of history) {
    let list = byKey.get(o.key);
    if (!list) byKey.set(o.key, (list = []));
    list.push(o);
  }
  const perKey: Record<string, KeyVerdict['linearizable']> = {};
  let verdict: boolean | 'unknown' = true;
  let counterexample: Counterexample | undefined;
  for (const [key, ops] of [...byKey].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const r = checkKeyHistory(ops, options.maxStepsPerKey);
    perKey[key] = r.linearizable;
    if (r.linearizable === false) {
      verdict = false;
      if (!counterexample) {
        const minimal = options.minimize === false ? ops : minimizeCounterexample(ops);
        counterexample = {
          key,
          ops: minimal,
          explanation: `no order of these ${minimal.length} operations on key ${JSON.stringify(key)} respects both their real-time order and the sequential KV semantics:\n${minimal.map((o) => `  ${describeOperation(o)}`).join('\n')}`,
        };
      }
    } else if (r.linearizable === 'unknown' && verdict === true) {
      verdict = 'unknown';
    }
  }
  return counterexample ? { linearizable: verdict, perKey, operations: history.length, counterexample } : { linearizable: verdict, perKey, operations: history.length };
}
