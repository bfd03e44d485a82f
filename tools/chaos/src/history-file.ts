import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import type { Operation } from '@raft/linearizability';
import type { ChaosOp } from './target';

/** Fields every event carries: who, which logical operation, what, when (performance.now() ms). */
type EventBase = { readonly process: string; readonly id: number; readonly time: number } & ChaosOp;

/**
 * One line of the history file (JSON lines, in the order events happened; see README.md):
 *   invoke — the client sent the operation (first attempt);
 *   ok     — it completed with `output`;
 *   fail   — it certainly did not take effect (503 before proposing, 410 from a removed node, other 4xx, refused connection);
 *   info   — its outcome is unknown (504, timeout, connection lost after sending).
 */
export type HistoryEvent =
  | ({ readonly type: 'invoke' } & EventBase)
  | ({ readonly type: 'ok'; readonly output: Record<string, unknown> } & EventBase)
  | ({ readonly type: 'fail' | 'info'; readonly reason: string } & EventBase);

/** Thrown when a history file line is not a valid event. */
export class HistoryFormatError extends Error {
  readonly code = 'HISTORY_FORMAT';
}

/** Appends events to a file as they happen, so a crashed run still leaves its history. */
export class HistoryWriter {
  constructor(readonly path: string) {
    writeFileSync(path, '');
  }

  append(e: HistoryEvent): void {
    appendFileSync(this.path, `${JSON.stringify(e)}\n`);
  }
}

export function readHistory(path: string): HistoryEvent[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      const e = JSON.parse(l) as HistoryEvent;
      if (!['invoke', 'ok', 'fail', 'info'].includes(e.type) || typeof e.id !== 'number' || typeof e.time !== 'number') {
        throw new HistoryFormatError(`${path}:${i + 1}: not a history event: ${l}`);
      }
      return e;
    });
}

/**
 * Pairs invocations with completions into the checker's operations. Failed operations did
 * not happen and are dropped; `info` and never-completed invocations have unknown outcomes.
 */
export function toOperations(events: readonly HistoryEvent[]): Operation[] {
  const invokes = new Map<number, Extract<HistoryEvent, { type: 'invoke' }>>();
  const ops: Operation[] = [];
  for (const e of events) {
    if (e.type === 'invoke') invokes.set(e.id, e);
    else {
      const inv = invokes.get(e.id);
      if (!inv) throw new HistoryFormatError(`completion of operation ${e.id}, which was never invoked`);
      invokes.delete(e.id);
      if (e.type === 'ok') ops.push(operation(inv, e.time, e.output));
      else if (e.type === 'info') ops.push(operation(inv, e.time, 'unknown'));
    }
  }
  // Invoked but never answered before the run ended: unknown.
  for (const inv of invokes.values()) ops.push(operation(inv, null, 'unknown'));
  return ops.sort((a, b) => a.invokeTime - b.invokeTime);
}

function operation(inv: Extract<HistoryEvent, { type: 'invoke' }>, completeTime: number | null, output: Record<string, unknown> | 'unknown'): Operation {
  const base = { id: inv.id, client: inv.process, key: inv.key, invokeTime: inv.time, completeTime };
  // Outputs were written by our own clients in the checker's shapes (see target adapters).
  switch (inv.op) {
    case 'put':
      return { ...base, op: 'put', input: { value: inv.value }, output: output === 'unknown' ? output : {} };
    case 'get':
      return { ...base, op: 'get', input: null, output: output as { value: string | null } | 'unknown' };
    case 'delete':
      return { ...base, op: 'delete', input: null, output: output as { deleted: boolean } | 'unknown' };
    case 'cas':
      return { ...base, op: 'cas', input: { expect: inv.expect, value: inv.value }, output: output as { succeeded: boolean; current?: string | null } | 'unknown' };
    case 'incr':
      return { ...base, op: 'incr', input: { delta: inv.delta }, output: output as { value: number } | { error: 'not-an-integer' } | 'unknown' };
  }
}
