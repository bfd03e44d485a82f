import type { KvOperation } from './history';
import { observedValue, writtenValue } from './kv-model';
import { checkKeyHistory } from './wgl';

/**
 * Shrinks a non-linearizable single-key history to a 1-minimal subset that is still not
 * linearizable: removing any one more operation would make it linearizable (or would
 * orphan a value some remaining operation observed — such writes are kept, so the result
 * explains the anomaly instead of blaming a read for a write that was merely dropped).
 */
export function minimizeCounterexample(ops: readonly KvOperation[], maxChecks = 2_000): KvOperation[] {
  let current = shortestFailingPrefix(ops);
  let checks = 0;
  let changed = true;
  while (changed && checks < maxChecks) {
    changed = false;
    // Oldest first: in a failing prefix the anomaly sits at the end, the noise at the start.
    for (let i = 0; i < current.length && checks < maxChecks; i++) {
      const candidate = current[i]!;
      const rest = current.filter((_, k) => k !== i);
      if (isObservedWrite(candidate, rest)) continue;
      checks++;
      if (checkKeyHistory(rest, 2_000_000).linearizable === false) {
        current = rest;
        changed = true;
        i--;
      }
    }
  }
  return current.sort((a, b) => a.invoke - b.invoke);
}

/**
 * The shortest prefix (by invocation time) that is still not linearizable: operations
 * invoked after the anomaly completed cannot be part of it. Found by binary search.
 */
function shortestFailingPrefix(ops: readonly KvOperation[]): KvOperation[] {
  const sorted = [...ops].sort((a, b) => a.invoke - b.invoke);
  let lo = 1;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const prefix = sorted.slice(0, mid);
    if (!orphansARead(prefix, sorted.slice(mid)) && checkKeyHistory(prefix, 2_000_000).linearizable === false) hi = mid;
    else lo = mid + 1;
  }
  return sorted.slice(0, hi);
}

/** Whether cutting `dropped` leaves an operation in `kept` observing a value only a dropped write produced. */
function orphansARead(kept: readonly KvOperation[], dropped: readonly KvOperation[]): boolean {
  return dropped.some((w) => isObservedWrite(w, kept) && !kept.some((k) => k !== w && writtenValue(k) === writtenValue(w) && writtenValue(w) !== undefined));
}

function isObservedWrite(w: KvOperation, others: readonly KvOperation[]): boolean {
  // The value w leaves behind: what it writes, or for an increment the number it returned.
  const produced = w.op === 'incr' ? (w.output !== 'unknown' && 'value' in w.output ? String(w.output.value) : undefined) : writtenValue(w);
  if (produced === undefined) return false;
  // Only an operation that completed after w was invoked could have seen w's value.
  const couldSee = (o: KvOperation): boolean => o.complete === null || o.complete > w.invoke;
  return others.some((o) => couldSee(o) && (observedValue(o) === produced || (produced === null && o.op === 'delete')));
}
