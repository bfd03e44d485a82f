import { check } from './check';
import { InvalidHistoryError, SearchBudgetExceededError } from './errors';
import { history } from '../test/history-builder';

const ids = (ops: readonly { id: number }[]): number[] => ops.map((o) => o.id);

describe('check: linearizable histories', () => {
  it('accepts a sequential history of every operation kind', () => {
    const h = history()
      .put('k', '1', [0, 1]) // #1
      .get('k', '1', [2, 3])
      .cas('k', '1', '2', { succeeded: true }, [4, 5])
      .cas('k', '1', '3', { succeeded: false, current: '2' }, [6, 7])
      .incr('k', 5, 7, [8, 9])
      .del('k', true, [10, 11])
      .del('k', false, [12, 13])
      .get('k', null, [14, 15])
      .incr('k', -2, -2, [16, 17]).ops;
    const r = check(h);
    expect(r).toEqual({ linearizable: true, operations: 9, perKey: { k: { linearizable: true, operations: 9, statesExplored: 9 } } });
  });

  it('lets a read concurrent with a write see either the old or the new value', () => {
    expect(check(history().put('k', '1', [0, 1]).put('k', '2', [2, 6]).by('c2').get('k', '1', [3, 4]).ops).linearizable).toBe(true);
    expect(check(history().put('k', '1', [0, 1]).put('k', '2', [2, 6]).get('k', '2', [3, 4]).ops).linearizable).toBe(true);
    // Intervals that merely touch count as concurrent.
    expect(check(history().put('k', '1', [0, 1]).put('k', '2', [2, 4]).get('k', '1', [4, 5]).ops).linearizable).toBe(true);
  });

  it('orders concurrent increments by the values they returned', () => {
    expect(check(history().incr('k', 2, 5, [0, 10]).incr('k', 3, 3, [1, 11]).get('k', '5', [12, 13]).ops).linearizable).toBe(true);
  });

  it('accepts a failed incr on a non-integer value', () => {
    expect(check(history().put('k', 'x', [0, 1]).incr('k', 1, 'not-an-integer', [2, 3]).get('k', 'x', [4, 5]).ops).linearizable).toBe(true);
    expect(check(history().incr('k', 1, 'not-an-integer', [2, 3]).ops).linearizable).toBe(false);
  });

  it('accepts an empty history', () => {
    expect(check([])).toEqual({ linearizable: true, operations: 0, perKey: {} });
  });
});

describe('check: anomalies', () => {
  it('rejects the classic stale read and explains it with exactly the three operations', () => {
    const r = check(history().put('k', '1', [0, 1]).put('k', '2', [2, 3]).get('k', '1', [4, 5]).ops);
    expect(r.linearizable).toBe(false);
    expect(r.perKey).toEqual({ k: { linearizable: false, operations: 3, statesExplored: 2 } });
    expect(r.counterexample?.key).toBe('k');
    expect(ids(r.counterexample!.ops)).toEqual([1, 2, 3]);
    expect(r.counterexample!.explanation).toBe(
      [
        'no order of these 3 operations on key "k" respects both their real-time order and the KV semantics:',
        '  #1 c1 put "1" k → ok [0.0, 1.0]',
        '  #2 c1 put "2" k → ok [2.0, 3.0]',
        '  #3 c1 get k → "1" [4.0, 5.0]',
        'the longest valid order is #1, #2, leaving the key "2"; none of #3 can come next with the output it returned',
      ].join('\n'),
    );
  });

  it('rejects a lost update: two increments that returned the same value', () => {
    const r = check(history().incr('k', 1, 1, [0, 10]).by('c2').incr('k', 1, 1, [1, 11]).get('k', '1', [12, 13]).ops);
    expect(r.linearizable).toBe(false);
    expect(ids(r.counterexample!.ops)).toEqual([1, 2]);
  });

  it('rejects a read of a value that was never written', () => {
    const r = check(history().put('k', '1', [0, 1]).get('k', '7', [2, 3]).ops);
    expect(ids(r.counterexample!.ops)).toEqual([2]);
    expect(r.counterexample!.explanation).toContain('no operation can go first; none of #2 can come next');
  });

  it('rejects a delete that claims to remove an absent key, and a read after a delete', () => {
    expect(check(history().del('k', true, [0, 1]).ops).linearizable).toBe(false);
    expect(check(history().put('k', '1', [0, 1]).del('k', true, [2, 3]).get('k', '1', [4, 5]).ops).linearizable).toBe(false);
  });

  describe('compare-and-set', () => {
    it('rejects a cas that failed although the expected value was there', () => {
      const r = check(history().put('k', 'x', [0, 1]).cas('k', 'x', 'y', { succeeded: false }, [2, 3]).ops);
      expect(r.linearizable).toBe(false);
      expect(ids(r.counterexample!.ops)).toEqual([1, 2]);
    });

    it('rejects a failed cas that reports a current value the key never had at that time', () => {
      expect(check(history().put('k', 'x', [0, 1]).put('k', 'z', [2, 3]).cas('k', 'q', 'y', { succeeded: false, current: 'x' }, [4, 5]).ops).linearizable).toBe(false);
      expect(check(history().put('k', 'x', [0, 1]).cas('k', 'q', 'y', { succeeded: false, current: null }, [2, 3]).ops).linearizable).toBe(false);
    });

    it('rejects two concurrent create-if-absent that both succeeded', () => {
      const r = check(history().cas('k', null, 'a', { succeeded: true }, [0, 2]).by('c2').cas('k', null, 'b', { succeeded: true }, [1, 3]).ops);
      expect(r.linearizable).toBe(false);
      expect(ids(r.counterexample!.ops)).toEqual([1, 2]);
    });

    it('accepts two concurrent create-if-absent when exactly one succeeded and the loser saw the winner', () => {
      const h = history().cas('k', null, 'a', { succeeded: false, current: 'b' }, [0, 2]).by('c2').cas('k', null, 'b', { succeeded: true }, [1, 3]).ops;
      expect(check(h).linearizable).toBe(true);
    });

    it('rejects a cas whose success a later read contradicts', () => {
      expect(check(history().put('k', 'x', [0, 1]).cas('k', 'x', 'y', { succeeded: true }, [2, 3]).get('k', 'x', [4, 5]).ops).linearizable).toBe(false);
    });
  });
});

describe('check: unknown outcomes', () => {
  it('lets a timed-out write take effect long after the client gave up', () => {
    const h = history().put('k', '1', [0, 1]).put('k', '2', [2, null]).get('k', '1', [3, 4]).get('k', '2', [10, 11]).ops;
    expect(check(h).linearizable).toBe(true);
  });

  it('lets a timed-out write never take effect', () => {
    expect(check(history().put('k', '1', [0, 1]).put('k', '2', [2, null]).get('k', '1', [10, 11]).ops).linearizable).toBe(true);
  });

  it('treats a 504 (known completion time, unknown output) as completing at +∞', () => {
    // The put answered 504 at t=3, yet took effect only after the read at [4, 5].
    expect(check(history().put('k', '1', [0, 1]).put('k', '2', [2, 3], 'unknown').get('k', '1', [4, 5]).get('k', '2', [6, 7]).ops).linearizable).toBe(true);
  });

  it('does not let an unknown write take effect before it was invoked', () => {
    const r = check(history().get('k', '2', [0, 1]).put('k', '2', [2, null]).ops);
    expect(r.linearizable).toBe(false);
    expect(ids(r.counterexample!.ops)).toEqual([1]);
  });

  it('requires an unknown increment that was observed to have taken effect exactly once', () => {
    const h = history().incr('k', 1, 1, [0, 1]).incr('k', 1, 'unknown', [2, 3]).by('c2');
    expect(check(h.get('k', '2', [4, 5]).incr('k', 1, 3, [6, 7]).ops).linearizable).toBe(true);
    // Seen as applied (2), then as not applied (1): it cannot be undone.
    expect(check(history().incr('k', 1, 1, [0, 1]).incr('k', 1, 'unknown', [2, 3]).get('k', '2', [4, 5]).get('k', '1', [6, 7]).ops).linearizable).toBe(false);
    // Two increments' worth of change from one unknown increment is impossible.
    expect(check(history().incr('k', 1, 1, [0, 1]).incr('k', 1, 'unknown', [2, 3]).get('k', '3', [4, 5]).ops).linearizable).toBe(false);
  });

  it('accepts an unknown cas either way, but not a value it could not have produced', () => {
    const base = (): ReturnType<typeof history> => history().put('k', 'a', [0, 1]).cas('k', 'a', 'b', 'unknown', [2, null]);
    expect(check(base().get('k', 'b', [3, 4]).ops).linearizable).toBe(true);
    expect(check(base().get('k', 'a', [3, 4]).ops).linearizable).toBe(true);
    expect(check(history().put('k', 'z', [0, 1]).cas('k', 'a', 'b', 'unknown', [2, null]).get('k', 'b', [3, 4]).ops).linearizable).toBe(false);
  });

  it('ignores reads whose answer never arrived', () => {
    const r = check(history().put('k', '1', [0, 1]).get('k', 'unknown', [2, null]).ops);
    expect(r.perKey).toEqual({ k: { linearizable: true, operations: 1, statesExplored: 1 } });
  });
});

describe('check: structure and errors', () => {
  it('splits the history per key and reports the failing key (P-compositionality)', () => {
    const h = history().put('a', '1', [0, 1]).get('a', '1', [2, 3]).put('b', '1', [0, 1]).put('b', '2', [2, 3]).get('b', '1', [4, 5]).get('c', null, [0, 9]).ops;
    const r = check(h);
    expect(r.linearizable).toBe(false);
    expect(Object.fromEntries(Object.entries(r.perKey).map(([k, v]) => [k, v.linearizable]))).toEqual({ a: true, b: false, c: true });
    expect(r.counterexample?.key).toBe('b');
    // The same values on another key do not interfere.
    expect(check(history().put('a', '1', [0, 1]).put('b', '2', [2, 3]).get('a', '1', [4, 5]).ops).linearizable).toBe(true);
  });

  it('minimises a counterexample buried among unrelated operations on the same key', () => {
    const b = history().put('k', 'a', [0, 1]).put('k', 'b', [2, 3]).get('k', 'a', [4, 5]);
    for (let i = 0; i < 40; i++) b.put('k', `n${i}`, [10 + i * 2, 11 + i * 2]).get('k', `n${i}`, [11.5 + i * 2, 11.8 + i * 2]);
    const r = check(b.ops);
    expect(ids(r.counterexample!.ops)).toEqual([1, 2, 3]);
    expect(check(b.ops, { minimize: false }).counterexample!.ops).toHaveLength(83);
  });

  it('rejects malformed histories with a typed error', () => {
    const dup = history().put('k', '1', [0, 1]).ops;
    expect(() => check([...dup, ...dup])).toThrow(InvalidHistoryError);
    expect(() => check(history().put('k', '1', [5, 1]).ops)).toThrow('operation 1 completes (1) before it was invoked (5)');
    const [op] = history().get('k', '1', [0, 1]).ops;
    expect(() => check([{ ...op!, completeTime: null }])).toThrow('operation 1 has an output but no completion time');
  });

  it('gives up with a typed error when the search budget is exhausted', () => {
    const b = history();
    for (let i = 0; i < 12; i++) b.by(`c${i}`).incr('k', 1, 'unknown', [i, null]);
    b.get('k', '13', [100, 101]);
    expect(() => check(b.ops, { maxStatesPerKey: 50 })).toThrow(SearchBudgetExceededError);
    expect(() => check(b.ops, { maxStatesPerKey: 50 })).toThrow('linearizability search for key "k" exceeded its budget of 50 states');
  });
});
