import type { Operation } from './history';
import { precondition, producedValue } from './kv-model';
import { searchKey } from './wgl';

/**
 * Shrinks a non-linearizable history of one key to a small subset that is still not
 * linearizable. First the shortest failing prefix by invocation time (everything invoked
 * after the anomaly is noise), then greedy removal of single operations until no single
 * removal keeps the subset non-linearizable (1-minimal).
 *
 * One kind of removal is refused: the only write of a value that a remaining operation's
 * output depends on (a read of it, a cas expecting it, an incr from it). Dropping it would
 * leave, say, a "read of a value nobody wrote": non-linearizable for a trivial reason that
 * hides the real anomaly (a stale read would be reported as a read alone).
 */
export function minimizeCounterexample(ops: readonly Operation[], budget: number, maxChecks = 5_000): Operation[] {
  const fails = (subset: readonly Operation[]): boolean => !searchKey(subset, { budget }).linearizable;
  let current = shortestFailingPrefix(ops, fails);
  let checks = 0;
  let shrunk = true;
  while (shrunk && checks < maxChecks) {
    shrunk = false;
    // Oldest first: after the prefix cut the anomaly sits at the end and the noise before it.
    for (let i = 0; i < current.length && checks < maxChecks; i++) {
      const rest = current.filter((_, k) => k !== i);
      if (isSoleWriterOfObservedValue(current[i], rest)) continue;
      checks++;
      if (fails(rest)) {
        current = rest;
        shrunk = true;
        i--;
      }
    }
  }
  return [...current].sort((a, b) => a.invokeTime - b.invokeTime || a.id - b.id);
}

/** Binary search for the shortest failing prefix (by invocation) that orphans no observation. */
function shortestFailingPrefix(ops: readonly Operation[], fails: (subset: readonly Operation[]) => boolean): Operation[] {
  const sorted = [...ops].sort((a, b) => a.invokeTime - b.invokeTime || a.id - b.id);
  let lo = 1;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const prefix = sorted.slice(0, mid);
    const orphans = sorted.slice(mid).some((w) => isSoleWriterOfObservedValue(w, prefix));
    if (!orphans && fails(prefix)) hi = mid;
    else lo = mid + 1;
  }
  return sorted.slice(0, hi);
}

/**
 * Whether some operation in `others` depends on the value `w` wrote (its output shows the
 * key held such a value before it) and no other operation in `others` could have written one.
 */
function isSoleWriterOfObservedValue(w: Operation, others: readonly Operation[]): boolean {
  const value = producedValue(w);
  if (value === undefined) return false;
  return others.some((o) => {
    const needs = precondition(o);
    const completed = o.completeTime;
    // Only an operation still running when w was invoked could have seen w's value.
    if (!needs || !needs(value) || completed === null || completed < w.invokeTime) return false;
    // Another write could stand in only if it could have taken effect before o did.
    return !others.some((x) => x !== o && x !== w && x.invokeTime <= completed && producedValue(x) !== undefined && needs(producedValue(x) ?? null));
  });
}
