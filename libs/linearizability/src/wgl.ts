import { SearchBudgetExceededError } from './errors';
import { effectiveCompleteTime, type Operation } from './history';
import { step, type KeyState } from './kv-model';

/** Result of searching one key's history for a linearization. */
export interface KeySearchResult {
  readonly linearizable: boolean;
  /** Distinct (linearized set, state) configurations visited. */
  readonly statesExplored: number;
  /**
   * Indexes into the input of a linearization when one exists; otherwise the longest
   * partial linearization found (only when `trackDeepest` was asked for, else empty).
   */
  readonly order: readonly number[];
  /** The key's value after `order`. */
  readonly stateAfterOrder: KeyState;
}

export interface KeySearchOptions {
  /** Give up (throw {@link SearchBudgetExceededError}) after this many distinct configurations. */
  readonly budget: number;
  /** Remember the longest partial linearization, for explanations. Costs a copy per new maximum. */
  readonly trackDeepest?: boolean;
}

const NIL = -1;

/**
 * Wing & Gong's linearizability search with Lowe's memoisation, for the operations of one
 * key. Call and return events form a time-ordered doubly linked list. The search walks it
 * from the front: at a call it tries to linearize that operation next (if the model
 * accepts its output in the current state), unlinking its call and return; at a return
 * whose operation is still pending, the current prefix cannot be extended, so it undoes
 * the most recent choice and tries the next candidate. A configuration — which operations
 * are linearized, and the resulting state — is explored at most once, since what can
 * follow depends only on it.
 *
 * An operation with an unknown outcome returns at +∞: it stays a candidate until the end,
 * where it can always be placed (its output constrains nothing), which is the same as it
 * never having taken effect as far as any observed output is concerned.
 *
 * At equal timestamps calls sort before returns, so touching intervals count as
 * concurrent: a violation is only reported when the timestamps prove it.
 */
export function searchKey(ops: readonly Operation[], options: KeySearchOptions): KeySearchResult {
  const n = ops.length;
  if (n === 0) return { linearizable: true, statesExplored: 0, order: [], stateAfterOrder: null };

  // Events 0..n-1 are calls, n..2n-1 the matching returns; index 2n is the list head.
  const head = 2 * n;
  const next = new Int32Array(2 * n + 1);
  const prev = new Int32Array(2 * n + 1);
  const time = (e: number): number => (e < n ? ops[e].invokeTime : effectiveCompleteTime(ops[e - n]));
  const events = Array.from({ length: 2 * n }, (_, e) => e).sort((a, b) => time(a) - time(b) || (a < n ? 0 : 1) - (b < n ? 0 : 1));
  let last = head;
  for (const e of events) {
    next[last] = e;
    prev[e] = last;
    last = e;
  }
  next[last] = NIL;

  const unlink = (e: number): void => {
    next[prev[e]] = next[e];
    if (next[e] !== NIL) prev[next[e]] = prev[e];
  };
  const relink = (e: number): void => {
    next[prev[e]] = e;
    if (next[e] !== NIL) prev[next[e]] = e;
  };

  // The linearized set as 16-bit words, so a memo key is the words as UTF-16 code units
  // followed by a tag for the state (null and every string stay distinct).
  const linearized = new Uint16Array(Math.ceil(n / 16));
  const memoKey = (state: KeyState): string => String.fromCharCode(...linearized) + (state === null ? '\u0000' : `\u0001${state}`);
  const seen = new Set<string>();
  const stack: { readonly op: number; readonly before: KeyState }[] = [];
  let state: KeyState = null;
  let deepest: number[] = [];
  let deepestState: KeyState = null;

  let entry = next[head];
  while (next[head] !== NIL) {
    if (entry === NIL) break; // unreachable: every pending call is followed by its return
    if (entry < n) {
      const after = step(state, ops[entry]);
      if (after !== undefined) {
        linearized[entry >>> 4] |= 1 << (entry & 15);
        const key = memoKey(after);
        if (!seen.has(key)) {
          seen.add(key);
          if (seen.size > options.budget) throw new SearchBudgetExceededError(ops[0].key, options.budget);
          stack.push({ op: entry, before: state });
          state = after;
          unlink(entry);
          unlink(entry + n);
          if (options.trackDeepest && stack.length > deepest.length) {
            deepest = stack.map((s) => s.op);
            deepestState = state;
          }
          entry = next[head];
          continue;
        }
        linearized[entry >>> 4] &= ~(1 << (entry & 15));
      }
      entry = next[entry];
    } else {
      // The return of a pending operation: nothing more can be linearized before it.
      const top = stack.pop();
      if (top === undefined) return { linearizable: false, statesExplored: seen.size, order: deepest, stateAfterOrder: deepestState };
      linearized[top.op >>> 4] &= ~(1 << (top.op & 15));
      state = top.before;
      relink(top.op + n);
      relink(top.op);
      entry = next[top.op];
    }
  }
  return { linearizable: true, statesExplored: seen.size, order: stack.map((s) => s.op), stateAfterOrder: state };
}
