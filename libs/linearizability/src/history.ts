/** One KV operation as a client saw it: invocation, and completion if it completed. */
export type KvOperation =
  | ({ readonly op: 'put'; readonly value: string } & Timing<PutOutput>)
  | ({ readonly op: 'get' } & Timing<GetOutput>)
  | ({ readonly op: 'delete' } & Timing<DeleteOutput>)
  | ({ readonly op: 'cas'; readonly expect: string | null; readonly value: string } & Timing<CasOutput>)
  | ({ readonly op: 'incr'; readonly delta: number } & Timing<IncrOutput>);

export type PutOutput = Record<string, never>;
export interface GetOutput {
  /** null: the key did not exist. */
  readonly value: string | null;
}
export interface DeleteOutput {
  readonly deleted: boolean;
}
export interface CasOutput {
  readonly succeeded: boolean;
  /** On failure, the current value if the server reported it (null: absent). */
  readonly current?: string | null;
}
export type IncrOutput = { readonly value: number } | { readonly error: 'not-an-integer' };

interface Timing<O> {
  readonly id: number;
  /** Which client issued it (for reports). */
  readonly client: string;
  readonly key: string;
  /** Monotonic invocation time. */
  readonly invoke: number;
  /**
   * Completion time and output; `'unknown'` when the outcome is unknown (timeout, 504,
   * connection lost after sending): it may take effect at any time after invocation, or never.
   */
  readonly complete: number | null;
  readonly output: O | 'unknown';
}

/** Human-readable form for reports. */
export function describeOperation(o: KvOperation): string {
  const args = o.op === 'put' ? `(${JSON.stringify(o.value)})` : o.op === 'cas' ? `(${JSON.stringify(o.expect)} → ${JSON.stringify(o.value)})` : o.op === 'incr' ? `(${o.delta})` : '()';
  const out = o.output === 'unknown' ? '?' : JSON.stringify(o.output);
  const when = `[${o.invoke.toFixed(1)}, ${o.complete === null ? '∞' : o.complete.toFixed(1)}]`;
  return `#${o.id} ${o.client} ${o.op}${args} ${o.key} → ${out} ${when}`;
}
