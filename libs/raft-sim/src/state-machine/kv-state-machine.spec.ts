import type { Entry } from '@raft/raft-core';
import { decodePut, encodePut } from './kv-command';
import { KvStateMachine } from './kv-state-machine';

const put = (index: number, id: string, key: string, value: string): Entry => ({ index, term: 1, type: 'normal', data: encodePut({ id, key, value }) });
const noop = (index: number): Entry => ({ index, term: 1, type: 'noop', data: new Uint8Array(0) });

describe('KvStateMachine', () => {
  it('round-trips commands', () => {
    expect(decodePut(encodePut({ id: 'w1', key: 'k', value: 'v' }))).toEqual({ id: 'w1', key: 'k', value: 'v' });
  });

  it('applies puts in order, skips no-ops, and applies each op id once', () => {
    const sm = new KvStateMachine();
    expect(sm.apply(noop(1))).toBeNull();
    expect(sm.apply(put(2, 'w1', 'a', '1'))).toEqual({ id: 'w1', key: 'a', value: '1' });
    expect(sm.apply(put(3, 'w2', 'a', '2'))).not.toBeNull();
    expect(sm.apply(put(4, 'w1', 'a', '1'))).toBeNull(); // a duplicated forwarded proposal
    expect(sm.get('a')).toBe('2');
    expect(sm.applied).toBe(4);
  });

  it('refuses to apply out of order', () => {
    expect(() => new KvStateMachine().apply(put(2, 'w1', 'a', '1'))).toThrow('apply out of order');
  });

  it('restores from a snapshot to an identical state', () => {
    const sm = new KvStateMachine();
    sm.apply(put(1, 'w1', 'a', '1'));
    sm.apply(put(2, 'w2', 'b', '2'));
    const copy = KvStateMachine.restore(sm.snapshot());
    expect(copy.fingerprint()).toBe(sm.fingerprint());
    expect(copy.applied).toBe(2);
    expect(copy.hasApplied('w2')).toBe(true);
    expect(copy.apply(put(3, 'w1', 'a', 'x'))).toBeNull();
  });
});
