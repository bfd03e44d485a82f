import type { CasOutput, Operation } from '../src/history';

/** [invocation, completion]; a null completion means the answer never arrived (unknown outcome). */
export type At = readonly [number, number | null];

/**
 * Builds hand-made histories for tests with sequential ids. An operation whose completion
 * is null, or whose output is given as 'unknown', has an unknown outcome.
 */
export class HistoryBuilder {
  readonly ops: Operation[] = [];
  private nextId = 1;

  constructor(private client = 'c1') {}

  put(key: string, value: string, at: At, output?: 'unknown'): this {
    return this.add({ op: 'put', key, input: { value }, output: output ?? {} }, at);
  }

  get(key: string, value: string | null | 'unknown', at: At): this {
    return this.add({ op: 'get', key, input: null, output: value === 'unknown' ? 'unknown' : { value } }, at);
  }

  del(key: string, deleted: boolean | 'unknown', at: At): this {
    return this.add({ op: 'delete', key, input: null, output: deleted === 'unknown' ? 'unknown' : { deleted } }, at);
  }

  cas(key: string, expect: string | null, value: string, output: CasOutput | 'unknown', at: At): this {
    return this.add({ op: 'cas', key, input: { expect, value }, output }, at);
  }

  incr(key: string, delta: number, output: number | 'not-an-integer' | 'unknown', at: At): this {
    const out = output === 'unknown' ? 'unknown' : output === 'not-an-integer' ? { error: 'not-an-integer' as const } : { value: output };
    return this.add({ op: 'incr', key, input: { delta }, output: out }, at);
  }

  /** Issue the following operations as `client`. */
  by(client: string): this {
    this.client = client;
    return this;
  }

  private add(o: Pick<Operation, 'op' | 'key' | 'input' | 'output'>, [invokeTime, completeTime]: At): this {
    const output = completeTime === null ? 'unknown' : o.output;
    this.ops.push({ ...o, output, id: this.nextId++, client: this.client, invokeTime, completeTime } as Operation);
    return this;
  }
}

/** Shorthand: a builder for one client. */
export const history = (): HistoryBuilder => new HistoryBuilder();
