import { describeOperation, effectiveCompleteTime, type Operation } from './history';
import type { KeyState } from './kv-model';
import { searchKey } from './wgl';

const show = (s: KeyState): string => (s === null ? 'absent' : JSON.stringify(s));

/**
 * Explains why a (small) set of operations on one key cannot be linearized: lists them,
 * then the longest order the search could build, the value it leaves, and the operations
 * that would have to come next but whose outputs do not fit that value.
 */
export function explainCounterexample(key: string, ops: readonly Operation[], budget: number): string {
  const lines = [`no order of these ${ops.length} operations on key ${JSON.stringify(key)} respects both their real-time order and the KV semantics:`];
  for (const o of ops) lines.push(`  ${describeOperation(o)}`);
  const r = searchKey(ops, { budget, trackDeepest: true });
  const placed = new Set(r.order);
  const pending = ops.map((o, i) => ({ o, i })).filter(({ i }) => !placed.has(i));
  // The remaining operation that must finish first bounds which others could still come next.
  const deadline = Math.min(...pending.map(({ o }) => effectiveCompleteTime(o)));
  const candidates = pending.filter(({ o }) => o.invokeTime <= deadline).map(({ o }) => `#${o.id}`);
  const prefix = r.order.length === 0 ? 'no operation can go first' : `the longest valid order is ${r.order.map((i) => `#${ops[i].id}`).join(', ')}, leaving the key ${show(r.stateAfterOrder)}`;
  lines.push(`${prefix}; none of ${candidates.join(', ')} can come next with the output it returned`);
  return lines.join('\n');
}
