import type { Operation } from './history';

/** The value of one key in the sequential model: null when the key is absent. */
export type KeyState = string | null;

/** What the server accepts as an integer for incr (same rule as the KV state machine). */
const INTEGER = /^-?\d+$/;

/**
 * The sequential specification of one key. Returns the state after applying `o` in
 * `state` if the operation, with the output the client observed, is legal there; returns
 * undefined if it is not. An operation whose outcome is unknown constrains nothing: it is
 * legal in every state and has the effect it would have had.
 */
export function step(state: KeyState, o: Operation): KeyState | undefined {
  switch (o.op) {
    case 'put':
      return o.input.value;
    case 'get':
      return o.output === 'unknown' || o.output.value === state ? state : undefined;
    case 'delete':
      return o.output === 'unknown' || o.output.deleted === (state !== null) ? null : undefined;
    case 'cas': {
      const matches = state === o.input.expect;
      const out = o.output;
      if (out === 'unknown') return matches ? o.input.value : state;
      if (out.succeeded !== matches) return undefined;
      if (matches) return o.input.value;
      return out.current === undefined || out.current === state ? state : undefined;
    }
    case 'incr': {
      const numeric = state === null || INTEGER.test(state);
      const next = numeric ? String((state === null ? 0 : Number(state)) + o.input.delta) : state;
      const out = o.output;
      if (out === 'unknown') return next;
      if ('error' in out) return numeric ? undefined : state;
      return numeric && String(out.value) === next ? next : undefined;
    }
  }
}

/**
 * What a completed operation's output says about the value the key held just before it
 * took effect, as a test on that value; undefined when it says nothing. Absence counts
 * too: a delete may be what made a later read see nothing. Used to keep counterexamples
 * meaningful: the write an operation depends on should not be minimised away.
 */
export function precondition(o: Operation): ((before: KeyState) => boolean) | undefined {
  if (o.output === 'unknown') return undefined;
  const is = (v: KeyState | undefined): ((before: KeyState) => boolean) | undefined => (v === undefined ? undefined : (before) => before === v);
  switch (o.op) {
    case 'get':
      return is(o.output.value);
    case 'cas':
      return is(o.output.succeeded ? o.input.expect : o.output.current);
    case 'delete':
      return o.output.deleted ? (before) => before !== null : is(null);
    case 'incr': {
      if ('error' in o.output) return (before) => before !== null && !INTEGER.test(before);
      const before = o.output.value - o.input.delta;
      // 0 before may have been an absent key or the string "0".
      return before === 0 ? (v) => v === null || v === '0' : is(String(before));
    }
    case 'put':
      return undefined;
  }
}

/**
 * The value the key holds right after `o` if it took effect and changed the key, or
 * undefined when that is not known from the operation alone.
 */
export function producedValue(o: Operation): KeyState | undefined {
  switch (o.op) {
    case 'put':
      return o.input.value;
    case 'delete':
      return null;
    case 'cas':
      return o.output === 'unknown' || o.output.succeeded ? o.input.value : undefined;
    case 'incr':
      return o.output !== 'unknown' && 'value' in o.output ? String(o.output.value) : undefined;
    case 'get':
      return undefined;
  }
}
