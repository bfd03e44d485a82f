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
  let current = [...ops];
  let checks = 0;
  let changed = true;
  while (changed && checks < maxChecks) {
    changed = false;
    for (let i = current.length - 1; i >= 0 && checks < maxChecks; i--) {
      const candidate = current[i]!;
      const rest = current.filter((_, k) => k !== i);
      if (isObservedWrite(candidate, rest)) continue;
      checks++;
      if (checkKeyHistory(rest, 2_000_000).linearizable === false) {
        current = rest;
        changed = true;
      }
    }
  }
  return current.sort((a, b) => a.invoke - b.invoke);
}

function isObservedWrite(w: KvOperation, others: readonly KvOperation[]): boolean {
  if (w.op === 'incr') return others.some((o) => o.op === 'incr' || observedValue(o) !== undefined);
  const written = writtenValue(w);
  if (written === undefined) return false;
  return others.some((o) => observedValue(o) === written || (written === null && o.op === 'delete'));
}
