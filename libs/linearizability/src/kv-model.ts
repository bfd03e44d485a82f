import type { KvOperation } from './history';

/** The value of one key: null when absent. */
export type KeyState = string | null;

const INTEGER = /^-?\d+$/;

/**
 * Sequential specification of one key. Returns the state after `o` if `o` (with its
 * observed output) is legal in `state`, or undefined if it is not. Operations with an
 * unknown outcome are legal in any state (their output constrains nothing).
 */
export function step(state: KeyState, o: KvOperation): KeyState | undefined {
  switch (o.op) {
    case 'put':
      return o.value;
    case 'get':
      return o.output === 'unknown' || o.output.value === state ? state : undefined;
    case 'delete':
      return o.output === 'unknown' || o.output.deleted === (state !== null) ? null : undefined;
    case 'cas': {
      const matches = o.expect === null ? state === null : state === o.expect;
      const out = o.output;
      if (out === 'unknown') return matches ? o.value : state;
      if (out.succeeded !== matches) return undefined;
      if (!matches && out.current !== undefined && out.current !== state) return undefined;
      return matches ? o.value : state;
    }
    case 'incr': {
      const numeric = state === null || INTEGER.test(state);
      const out = o.output;
      if (out === 'unknown') return numeric ? String((state === null ? 0 : Number(state)) + o.delta) : state;
      if ('error' in out) return numeric ? undefined : state;
      if (!numeric) return undefined;
      const next = (state === null ? 0 : Number(state)) + o.delta;
      return out.value === next ? String(next) : undefined;
    }
  }
}

/** The value an operation's output shows, if any (used to keep counterexamples meaningful). */
export function observedValue(o: KvOperation): string | null | undefined {
  const out = o.output;
  if (out === 'unknown') return undefined;
  if (o.op === 'get') return (out as { value: string | null }).value;
  if (o.op === 'cas' && !(out as { succeeded: boolean }).succeeded) return (out as { current?: string | null }).current;
  if (o.op === 'incr' && 'value' in out) return String(out.value);
  return undefined;
}

/** The value an operation writes when it succeeds. */
export function writtenValue(o: KvOperation): string | null | undefined {
  if (o.op === 'put' || o.op === 'cas') return o.value;
  if (o.op === 'delete') return null;
  return undefined;
}
