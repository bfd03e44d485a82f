import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import type { KvOperation } from '@raft/linearizability';
import type { ChaosOp } from './target';

/**
 * The history file: one JSON object per line, in the order events happened.
 *   {"type":"invoke","process":"c3","id":17,"op":"cas","key":"k2","expect":"5","value":"9","time":1234.5}
 *   {"type":"ok","process":"c3","id":17,"op":"cas","key":"k2","output":{"succeeded":true},"time":1240.1}
 *   {"type":"fail","process":"c3","id":18,"op":"put","key":"k1","reason":"503 no leader","time":...}   — did not happen
 *   {"type":"info","process":"c3","id":19,"op":"incr","key":"k0","reason":"504 outcome unknown","time":...} — unknown
 * `time` is a monotonic clock in milliseconds (performance.now()).
 */
export type HistoryEvent =
  | ({ readonly type: 'invoke'; readonly process: string; readonly id: number; readonly time: number } & ChaosOp)
  | { readonly type: 'ok'; readonly process: string; readonly id: number; readonly time: number; readonly output: Record<string, unknown> }
  | { readonly type: 'fail' | 'info'; readonly process: string; readonly id: number; readonly time: number; readonly reason: string };

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
    .map((l) => JSON.parse(l) as HistoryEvent);
}

/** Pairs invocations with completions for the checker; failed operations are dropped. */
export function toOperations(events: readonly HistoryEvent[]): KvOperation[] {
  const invokes = new Map<number, Extract<HistoryEvent, { type: 'invoke' }>>();
  const ops: KvOperation[] = [];
  for (const e of events) {
    if (e.type === 'invoke') {
      invokes.set(e.id, e);
      continue;
    }
    const inv = invokes.get(e.id);
    if (!inv) continue;
    invokes.delete(e.id);
    if (e.type === 'fail') continue;
    const base = { id: inv.id, client: inv.process, key: inv.key, invoke: inv.time };
    const timing = e.type === 'ok' ? { complete: e.time, output: e.output } : { complete: null, output: 'unknown' as const };
    ops.push({ ...inv, ...base, ...timing } as unknown as KvOperation);
  }
  // Invoked but never completed (the run ended): unknown.
  for (const inv of invokes.values()) ops.push({ ...inv, client: inv.process, invoke: inv.time, complete: null, output: 'unknown' } as unknown as KvOperation);
  return ops;
}
