import type { KvOperation } from './history';
import { step, type KeyState } from './kv-model';

interface Event {
  readonly op: KvOperation;
  readonly index: number;
  readonly isCall: boolean;
  match: Event | null;
  prev: Event | null;
  next: Event | null;
}

/** Outcome of checking one key's history. */
export type KeyVerdict = { readonly linearizable: true; readonly order: readonly number[] } | { readonly linearizable: false } | { readonly linearizable: 'unknown'; readonly reason: string };

/**
 * Wing & Gong's search with Lowe's improvements (as in Knossos and porcupine) for a single
 * key: walk the time-ordered call/return events, tentatively linearize each call whose
 * output the sequential model accepts, backtrack when a return is reached before its
 * operation was linearized, and memoise (linearized set, state) pairs already explored.
 *
 * Calls sort before returns at equal timestamps, so simultaneous events count as
 * concurrent: the checker never claims a violation the timing does not prove.
 */
export function checkKeyHistory(ops: readonly KvOperation[], maxSteps = 20_000_000): KeyVerdict {
  const n = ops.length;
  if (n === 0) return { linearizable: true, order: [] };
  const events: Event[] = [];
  ops.forEach((op, index) => {
    const call: Event = { op, index, isCall: true, match: null, prev: null, next: null };
    const ret: Event = { op, index, isCall: false, match: null, prev: null, next: null };
    call.match = ret;
    events.push(call, ret);
  });
  const time = (e: Event): number => (e.isCall ? e.op.invoke : (e.op.complete ?? Number.POSITIVE_INFINITY));
  events.sort((a, b) => time(a) - time(b) || (a.isCall === b.isCall ? 0 : a.isCall ? -1 : 1));
  const head: Event = { op: ops[0]!, index: -1, isCall: false, match: null, prev: null, next: null };
  let prev = head;
  for (const e of events) {
    prev.next = e;
    e.prev = prev;
    prev = e;
  }

  const lift = (call: Event): void => {
    call.prev!.next = call.next;
    if (call.next) call.next.prev = call.prev;
    const ret = call.match!;
    ret.prev!.next = ret.next;
    if (ret.next) ret.next.prev = ret.prev;
  };
  const unlift = (call: Event): void => {
    const ret = call.match!;
    ret.prev!.next = ret;
    if (ret.next) ret.next.prev = ret;
    call.prev!.next = call;
    if (call.next) call.next.prev = call;
  };

  const words = Math.ceil(n / 32);
  const bits = new Uint32Array(words);
  const seen = new Set<string>();
  const stack: { call: Event; state: KeyState }[] = [];
  const order: number[] = [];
  let state: KeyState = null;
  let entry = head.next;
  let steps = 0;

  while (head.next !== null) {
    if (++steps > maxSteps) return { linearizable: 'unknown', reason: `search exceeded ${maxSteps} steps` };
    if (entry === null) return { linearizable: false };
    if (entry.isCall) {
      const next = step(state, entry.op);
      if (next !== undefined) {
        bits[entry.index >>> 5]! |= 1 << (entry.index & 31);
        const key = `${bits.join(',')}|${next === null ? '\u0000' : next}`;
        if (!seen.has(key)) {
          seen.add(key);
          stack.push({ call: entry, state });
          order.push(entry.index);
          state = next;
          lift(entry);
          entry = head.next;
          continue;
        }
        bits[entry.index >>> 5]! &= ~(1 << (entry.index & 31));
      }
      entry = entry.next;
    } else {
      // A return reached before its operation was linearized: undo the last choice.
      const top = stack.pop();
      if (!top) return { linearizable: false };
      order.pop();
      bits[top.call.index >>> 5]! &= ~(1 << (top.call.index & 31));
      state = top.state;
      unlift(top.call);
      entry = top.call.next;
    }
  }
  return { linearizable: true, order };
}
