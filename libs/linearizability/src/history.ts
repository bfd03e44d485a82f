import { InvalidHistoryError } from './errors';

/** Outputs of each KV operation, as the client observed them. */
export type PutOutput = Readonly<Record<string, never>>;
export interface GetOutput {
  /** null: the key did not exist. */
  readonly value: string | null;
}
export interface DeleteOutput {
  /** Whether a value was removed. */
  readonly deleted: boolean;
}
export interface CasOutput {
  readonly succeeded: boolean;
  /**
   * On failure, the value the server saw (null: absent), if it reported one. Left out, it
   * constrains nothing.
   */
  readonly current?: string | null;
}
/** The new value, or the refusal when the key held something that is not an integer. */
export type IncrOutput = { readonly value: number } | { readonly error: 'not-an-integer' };

interface OperationOf<Op extends string, Input, Output> {
  /** Unique within the history. */
  readonly id: number;
  /** The client (process) that issued it; used in reports only. */
  readonly client: string;
  readonly key: string;
  readonly op: Op;
  readonly input: Input;
  /** Monotonic time at which the client sent the request. */
  readonly invokeTime: number;
  /** Monotonic time at which the answer arrived; null if it never did. */
  readonly completeTime: number | null;
  /**
   * What the client saw, or `'unknown'` when the outcome is unknown (timeout, 504, connection
   * lost after sending). An unknown operation may take effect at any time after its
   * invocation, or never; its completion time is then treated as +∞.
   */
  readonly output: Output | 'unknown';
}

export type PutOperation = OperationOf<'put', { readonly value: string }, PutOutput>;
export type GetOperation = OperationOf<'get', null, GetOutput>;
export type DeleteOperation = OperationOf<'delete', null, DeleteOutput>;
export type CasOperation = OperationOf<'cas', { readonly expect: string | null; readonly value: string }, CasOutput>;
export type IncrOperation = OperationOf<'incr', { readonly delta: number }, IncrOutput>;

/** One KV operation of a history: invocation, input, and completion with output if known. */
export type Operation = PutOperation | GetOperation | DeleteOperation | CasOperation | IncrOperation;

/** The time by which an operation certainly took effect: +∞ when its outcome is unknown. */
export function effectiveCompleteTime(o: Operation): number {
  return o.output === 'unknown' || o.completeTime === null ? Number.POSITIVE_INFINITY : o.completeTime;
}

/** Throws {@link InvalidHistoryError} describing the first malformed operation. */
export function validateHistory(history: readonly Operation[]): void {
  const ids = new Set<number>();
  for (const o of history) {
    if (ids.has(o.id)) throw new InvalidHistoryError(`operation id ${o.id} appears twice`);
    ids.add(o.id);
    if (!Number.isFinite(o.invokeTime)) throw new InvalidHistoryError(`operation ${o.id} has no finite invocation time`);
    if (o.completeTime !== null && !(o.completeTime >= o.invokeTime)) {
      throw new InvalidHistoryError(`operation ${o.id} completes (${o.completeTime}) before it was invoked (${o.invokeTime})`);
    }
    if (o.completeTime === null && o.output !== 'unknown') {
      throw new InvalidHistoryError(`operation ${o.id} has an output but no completion time`);
    }
  }
}

/** One line describing an operation, for counterexamples: `#7 c2 get k1 → "3" [10.0, 12.5]`. */
export function describeOperation(o: Operation): string {
  let args = '';
  if (o.op === 'put') args = ` ${JSON.stringify(o.input.value)}`;
  else if (o.op === 'cas') args = ` ${JSON.stringify(o.input.expect)}→${JSON.stringify(o.input.value)}`;
  else if (o.op === 'incr') args = ` ${o.input.delta > 0 ? '+' : ''}${o.input.delta}`;
  const out = o.output === 'unknown' ? 'unknown' : describeOutput(o);
  const end = o.output === 'unknown' || o.completeTime === null ? '∞' : o.completeTime.toFixed(1);
  return `#${o.id} ${o.client} ${o.op}${args} ${o.key} → ${out} [${o.invokeTime.toFixed(1)}, ${end}]`;
}

function describeOutput(o: Operation): string {
  switch (o.op) {
    case 'put':
      return 'ok';
    case 'get':
      return o.output === 'unknown' ? 'unknown' : JSON.stringify(o.output.value);
    case 'delete':
      return o.output === 'unknown' ? 'unknown' : o.output.deleted ? 'deleted' : 'not found';
    case 'cas':
      if (o.output === 'unknown') return 'unknown';
      return o.output.succeeded ? 'succeeded' : `failed${o.output.current !== undefined ? ` (current ${JSON.stringify(o.output.current)})` : ''}`;
    case 'incr':
      if (o.output === 'unknown') return 'unknown';
      return 'value' in o.output ? String(o.output.value) : 'not an integer';
  }
}
