import { encodeConfig, type Entry } from '@raft/raft-core';
import { ElectionSafetyChecker } from './election-safety';
import { InvariantViolation } from './invariant-violation';
import { LeaderAppendOnlyChecker } from './leader-append-only';
import { LeaderCompletenessChecker } from './leader-completeness';
import type { LogView } from './log-view';
import { checkLogMatching, LogMatchingChecker } from './log-matching';
import { RemovalTruthChecker } from './removal-truth';
import { StateMachineSafetyChecker } from './state-machine-safety';

const enc = new TextEncoder();
const e = (index: number, term: number, text = `x${index}`): Entry => ({ index, term, type: 'normal', data: enc.encode(text) });
/** A log from a list of terms, index 1 upwards, with payloads derived from index and term. */
const log = (terms: number[], tag = ''): Entry[] => terms.map((t, i) => e(i + 1, t, `c${i + 1}t${t}${tag}`));
function view(entries: Entry[], snapshotIndex = 0, snapshotTerm = 0): LogView {
  const byIndex = new Map(entries.map((x) => [x.index, x]));
  return {
    snapshotIndex,
    snapshotTerm,
    lastIndex: entries.length > 0 ? entries[entries.length - 1]!.index : snapshotIndex,
    termAt: (i) => (i === snapshotIndex ? snapshotTerm : byIndex.get(i)?.term),
    entryAt: (i) => byIndex.get(i),
  };
}
const violation = (name: string) => expect.objectContaining({ name: 'InvariantViolation', invariant: name });

describe('ElectionSafetyChecker', () => {
  it('accepts one leader per term, repeatedly observed', () => {
    const c = new ElectionSafetyChecker();
    c.observeLeader('n1', 1);
    c.observeLeader('n1', 1);
    c.observeLeader('n2', 2);
    expect(c.termsWithLeader()).toBe(2);
    expect(c.leaderOf(2)).toBe('n2');
  });

  it('fires on two leaders in one term, however far apart in time', () => {
    const c = new ElectionSafetyChecker();
    c.observeLeader('n1', 3);
    c.observeLeader('n2', 4);
    expect(() => c.observeLeader('n3', 3)).toThrow(violation('election-safety'));
    expect(() => c.observeLeader('n3', 3)).toThrow('term 3 has two leaders: n1 and n3');
  });
});

describe('LeaderAppendOnlyChecker', () => {
  it('accepts a leader whose log only grows', () => {
    const c = new LeaderAppendOnlyChecker();
    c.observeLeader('n1', 2, view(log([1, 2])));
    c.observeLeader('n1', 2, view(log([1, 2, 2, 2])));
  });

  it('fires when a leader truncates its log', () => {
    const c = new LeaderAppendOnlyChecker();
    c.observeLeader('n1', 2, view(log([1, 2, 2])));
    expect(() => c.observeLeader('n1', 2, view(log([1, 2])))).toThrow(violation('leader-append-only'));
  });

  it('fires when a leader overwrites an entry in place', () => {
    const c = new LeaderAppendOnlyChecker();
    c.observeLeader('n1', 2, view(log([1, 2, 2])));
    expect(() => c.observeLeader('n1', 2, view(log([1, 2, 2, 2], 'rewritten')))).toThrow('changed entry 3');
  });

  it('does not compare across terms (a re-elected leader may have lost a suffix while following)', () => {
    const c = new LeaderAppendOnlyChecker();
    c.observeLeader('n1', 2, view(log([1, 2, 2])));
    c.observeLeader('n1', 4, view(log([1, 3])));
  });
});

describe('LogMatchingChecker (incremental)', () => {
  it('accepts servers storing the same entries, in pieces and repeatedly', () => {
    const c = new LogMatchingChecker();
    const l = log([1, 1, 2]);
    c.observeAppend('n1', 0, l);
    c.observeAppend('n2', 0, l.slice(0, 2));
    c.observeAppend('n2', 1, l.slice(2));
    c.observeAppend('n3', 0, l);
  });

  it('fires when two servers hold different entries with the same index and term', () => {
    const c = new LogMatchingChecker();
    c.observeAppend('n1', 0, log([1, 1]));
    expect(() => c.observeAppend('n2', 0, log([1, 1], 'other'))).toThrow(violation('log-matching'));
  });

  it('fires when an equal entry sits after a different prefix', () => {
    const c = new LogMatchingChecker();
    c.observeAppend('n1', 1, [e(3, 2, 'same')]);
    expect(() => c.observeAppend('n2', 2, [e(3, 2, 'same')])).toThrow('prefixes differ');
  });
});

describe('checkLogMatching (whole logs)', () => {
  it('accepts logs that diverge only after their last common (index, term)', () => {
    checkLogMatching(new Map([
      ['n1', log([1, 1, 2, 2])],
      ['n2', log([1, 1, 3])],
    ]));
  });

  it('fires when logs agree at an index but differ earlier', () => {
    const a = log([1, 1, 2]);
    const b = [e(1, 1, 'different'), a[1]!, a[2]!];
    expect(() => checkLogMatching(new Map([['n1', a], ['n2', b]]))).toThrow(violation('log-matching'));
  });
});

describe('LeaderCompletenessChecker', () => {
  it('accepts a new leader holding every committed entry', () => {
    const c = new LeaderCompletenessChecker();
    const l = log([1, 1, 2]);
    c.observeCommit('n1', 2, view(l));
    expect(c.committedCount()).toBe(2);
    c.observeNewLeader('n2', 3, view([...l, e(4, 3)]));
  });

  it('fires when a new leader lacks a committed entry', () => {
    const c = new LeaderCompletenessChecker();
    c.observeCommit('n1', 3, view(log([1, 1, 2])));
    expect(() => c.observeNewLeader('n3', 3, view(log([1, 1])))).toThrow(violation('leader-completeness'));
  });

  it('fires when a new leader holds a different entry at a committed index', () => {
    const c = new LeaderCompletenessChecker();
    c.observeCommit('n1', 2, view(log([1, 1])));
    expect(() => c.observeNewLeader('n3', 3, view(log([1, 3, 3])))).toThrow('is committed there');
  });

  it('fires when a server commits a different entry at an index already committed', () => {
    const c = new LeaderCompletenessChecker();
    c.observeCommit('n1', 2, view(log([1, 1])));
    expect(() => c.observeCommit('n2', 2, view(log([1, 2])))).toThrow(violation('leader-completeness'));
  });

  it('checks a compacted leader through its snapshot term', () => {
    const c = new LeaderCompletenessChecker();
    c.observeCommit('n1', 3, view(log([1, 1, 2])));
    c.observeNewLeader('n2', 3, view([e(4, 3)], 3, 2));
    expect(() => c.observeNewLeader('n3', 4, view([e(4, 3)], 3, 1))).toThrow('committed term there is 2');
  });
});

describe('StateMachineSafetyChecker', () => {
  it('accepts replicas applying the same entries and reaching the same states', () => {
    const c = new StateMachineSafetyChecker();
    const l = log([1, 1]);
    for (const id of ['n1', 'n2']) {
      for (const x of l) c.observeApply(id, x);
      c.observeState(id, 2, 'a=1');
    }
    expect(c.entryAt(2)).toBe(l[1]);
  });

  it('fires when two servers apply different entries at one index', () => {
    const c = new StateMachineSafetyChecker();
    c.observeApply('n1', e(1, 1, 'put a=1'));
    expect(() => c.observeApply('n2', e(1, 1, 'put a=2'))).toThrow(violation('state-machine-safety'));
  });

  it('fires when replicas at the same applied index hold different state', () => {
    const c = new StateMachineSafetyChecker();
    c.observeState('n1', 5, 'a=1');
    expect(() => c.observeState('n2', 5, 'a=2')).toThrow('state after applying 5 differs');
  });

  it('raises typed errors', () => {
    const c = new ElectionSafetyChecker();
    c.observeLeader('n1', 1);
    let caught: unknown;
    try {
      c.observeLeader('n2', 1);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvariantViolation);
  });
});

describe('RemovalTruthChecker', () => {
  const config = (index: number, voters: string[]): Entry => ({ index, term: 2, type: 'config', data: encodeConfig({ voters, learners: [], outgoing: [] }) });
  const committed = new Map<number, Entry>();
  const checker = (): RemovalTruthChecker => new RemovalTruthChecker((i) => committed.get(i));
  beforeEach(() => committed.clear());

  it('accepts a claim when the configuration in force at its index leaves the server out, before or after the index is applied', () => {
    committed.set(1, e(1, 1));
    committed.set(2, config(2, ['n1', 'n2']));
    committed.set(3, e(3, 2));
    const c = checker();
    c.observeClaim('n3', 2);
    c.observeClaim('n3', 3); // a snapshot's index: the configuration of entry 2 is in force there
    c.observeClaim('n4', 4); // not applied anywhere yet: checked when it is
    committed.set(4, e(4, 2));
    expect(() => c.observeCommittedEntry(e(4, 2))).not.toThrow();
  });

  it('catches a member told it was removed, whenever the index becomes known', () => {
    committed.set(2, config(2, ['n1', 'n2', 'n3']));
    committed.set(3, e(3, 2));
    expect(() => checker().observeClaim('n3', 3)).toThrow(InvariantViolation);
    const c = checker();
    c.observeClaim('n2', 4);
    committed.set(4, e(4, 2));
    expect(() => c.observeCommittedEntry(e(4, 2))).toThrow(/n2 believes it was removed as of index 4/);
  });
});
