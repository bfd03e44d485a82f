import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryFormatError, HistoryWriter, readHistory, toOperations } from './history-file';

describe('history file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'hist-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips events and pairs them into operations: fail dropped, info and unanswered unknown', () => {
    const w = new HistoryWriter(join(dir, 'h.jsonl'));
    w.append({ type: 'invoke', process: 'c0', id: 0, time: 1, op: 'put', key: 'k', value: '1' });
    w.append({ type: 'invoke', process: 'c1', id: 1, time: 2, op: 'get', key: 'k' });
    w.append({ type: 'ok', process: 'c0', id: 0, time: 3, op: 'put', key: 'k', value: '1', output: {} });
    w.append({ type: 'fail', process: 'c1', id: 1, time: 4, op: 'get', key: 'k', reason: '503 no leader' });
    w.append({ type: 'invoke', process: 'c1', id: 2, time: 5, op: 'incr', key: 'k', delta: 2 });
    w.append({ type: 'info', process: 'c1', id: 2, time: 9, op: 'incr', key: 'k', delta: 2, reason: '504 outcome unknown' });
    w.append({ type: 'invoke', process: 'c0', id: 3, time: 10, op: 'cas', key: 'k', expect: null, value: '7' });
    w.append({ type: 'invoke', process: 'c2', id: 4, time: 11, op: 'get', key: 'k' });
    w.append({ type: 'ok', process: 'c2', id: 4, time: 12, op: 'get', key: 'k', output: { value: null } });
    const events = readHistory(join(dir, 'h.jsonl'));
    expect(events).toHaveLength(9);
    expect(toOperations(events)).toEqual([
      { id: 0, client: 'c0', key: 'k', op: 'put', input: { value: '1' }, invokeTime: 1, completeTime: 3, output: {} },
      { id: 2, client: 'c1', key: 'k', op: 'incr', input: { delta: 2 }, invokeTime: 5, completeTime: 9, output: 'unknown' },
      { id: 3, client: 'c0', key: 'k', op: 'cas', input: { expect: null, value: '7' }, invokeTime: 10, completeTime: null, output: 'unknown' },
      { id: 4, client: 'c2', key: 'k', op: 'get', input: null, invokeTime: 11, completeTime: 12, output: { value: null } },
    ]);
  });

  it('rejects lines that are not events, and completions without an invocation', () => {
    writeFileSync(join(dir, 'bad.jsonl'), '{"type":"invoke","id":1,"time":0,"op":"get","key":"k","process":"c"}\n{"type":"done","id":1,"time":2}\n');
    expect(() => readHistory(join(dir, 'bad.jsonl'))).toThrow(HistoryFormatError);
    expect(() => toOperations([{ type: 'ok', process: 'c', id: 9, time: 1, op: 'get', key: 'k', output: { value: null } }])).toThrow('completion of operation 9, which was never invoked');
  });
});
