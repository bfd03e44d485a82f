import { validateHistory, type Operation } from './history';
import { explainCounterexample } from './explain';
import { minimizeCounterexample } from './minimize';
import { searchKey } from './wgl';

export interface CheckOptions {
  /**
   * Most distinct search configurations per key before giving up with
   * {@link SearchBudgetExceededError}. Default 5,000,000.
   */
  readonly maxStatesPerKey?: number;
  /** Shrink the counterexample to a minimal set (re-checks many subsets). Default true. */
  readonly minimize?: boolean;
}

/** The verdict for the operations on one key. */
export interface KeyVerdict {
  readonly linearizable: boolean;
  /** Operations on the key that took part in the search. */
  readonly operations: number;
  readonly statesExplored: number;
}

export interface Counterexample {
  readonly key: string;
  /** A small set of the key's operations (1-minimal after minimisation) that cannot be ordered, by invocation time. */
  readonly ops: readonly Operation[];
  /** Human-readable: the operations, and where every attempt to order them breaks down. */
  readonly explanation: string;
}

export interface CheckResult {
  readonly linearizable: boolean;
  /** Operations in the history. */
  readonly operations: number;
  readonly perKey: Readonly<Record<string, KeyVerdict>>;
  /** For the first non-linearizable key (in key order). */
  readonly counterexample?: Counterexample;
}

const DEFAULT_BUDGET = 5_000_000;

/**
 * Checks a KV history for linearizability. Each key is an independent object, and
 * linearizability is compositional (a history is linearizable iff its restriction to every
 * object is), so the history is split per key and each part is searched on its own.
 *
 * Throws {@link InvalidHistoryError} for a malformed history and
 * {@link SearchBudgetExceededError} when a key cannot be decided within the budget.
 */
export function check(history: readonly Operation[], options: CheckOptions = {}): CheckResult {
  validateHistory(history);
  const budget = options.maxStatesPerKey ?? DEFAULT_BUDGET;
  const byKey = new Map<string, Operation[]>();
  for (const o of history) {
    // A read whose answer never arrived has no effect and shows nothing: it cannot matter.
    if (o.op === 'get' && o.output === 'unknown') continue;
    const list = byKey.get(o.key);
    if (list) list.push(o);
    else byKey.set(o.key, [o]);
  }
  const perKey: Record<string, KeyVerdict> = {};
  let counterexample: Counterexample | undefined;
  for (const [key, ops] of [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const r = searchKey(ops, { budget });
    perKey[key] = { linearizable: r.linearizable, operations: ops.length, statesExplored: r.statesExplored };
    if (!r.linearizable && counterexample === undefined) {
      const minimal = options.minimize === false ? [...ops].sort((a, b) => a.invokeTime - b.invokeTime) : minimizeCounterexample(ops, budget);
      counterexample = { key, ops: minimal, explanation: explainCounterexample(key, minimal, budget) };
    }
  }
  const result = { linearizable: counterexample === undefined, operations: history.length, perKey };
  return counterexample ? { ...result, counterexample } : result;
}
