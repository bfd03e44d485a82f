import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryWriter, readHistory, toOperations } from './history-file';

describe('history file', () => {
  it('round-trips events and pairs them into operations (fail dropped, info and unfinished unknown)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hist-'));
    try {
      const w = new HistoryWriter(join(dir, 'h.jsonl'));
      w.append({ type: 'invoke', process: 'c0', id: 0, time: 1, op: 'put', key: 'k', value: '1' });
      w.append({ type: 'invoke', process: 'c1', id: 1, time: 2, op: 'get', key: 'k' });
      w.append({ type: 'ok', process: 'c0', id: 0, time: 3, output: {} });
      w.append({ type: 'fail', process: 'c1', id: 1, time: 4, reason: '503' });
      w.append({ type: 'invoke', process: 'c1', id: 2, time: 5, op: 'incr', key: 'k', delta: 2 });
      w.append({ type: 'info', process: 'c1', id: 2, time: 9, reason: '504' });
      w.append({ type: 'invoke', process: 'c0', id: 3, time: 10, op: 'delete', key: 'k' });
      const events = readHistory(join(dir, 'h.jsonl'));
      expect(events).toHaveLength(7);
      const ops = toOperations(events);
      expect(ops.map((o) => [o.id, o.op, o.complete, o.output])).toEqual([
        [0, 'put', 3, {}],
        [2, 'incr', null, 'unknown'],
        [3, 'delete', null, 'unknown'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
