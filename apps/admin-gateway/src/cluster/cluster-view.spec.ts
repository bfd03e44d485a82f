import type { NodeStatus } from './cluster-types';
import { buildClusterView, byNodeId, leaderOf } from './cluster-view';

function status(id: string, over: Partial<NodeStatus> = {}): NodeStatus {
  return {
    id,
    role: 'follower',
    term: 2,
    leaderId: 'n1',
    commitIndex: 50,
    appliedIndex: 50,
    lastIndex: 50,
    snapshotIndex: 0,
    config: { voters: ['n1', 'n2', 'n3'], learners: [], outgoing: [] },
    configChangeInProgress: false,
    membership: null,
    members: { n1: { peer: 'h:7101', http: 'h:7001' }, n2: { peer: 'h:7102', http: 'h:7002' }, n3: { peer: 'h:7103', http: 'h:7003' }, n10: { peer: 'h:7110', http: 'h:7010' } },
    progress: null,
    ...over,
  };
}

describe('cluster view', () => {
  it('the leader is the highest-term node that says so (a deposed leader does not count)', () => {
    const s = new Map([
      ['n1', status('n1', { role: 'leader', term: 2 })],
      ['n2', status('n2', { role: 'leader', term: 3 })],
    ]);
    expect(leaderOf(s)!.id).toBe('n2');
    expect(leaderOf(new Map([['n1', status('n1')]]))).toBeNull();
  });

  it('joint consensus: incoming voters are voters, voters of C(old) only are outgoing-voter (even if demoted to learner); a change is in progress', () => {
    const leader = status('n1', {
      role: 'leader',
      lastIndex: 60,
      config: { voters: ['n1', 'n2', 'n10'], learners: ['n3'], outgoing: ['n1', 'n2', 'n3'] },
      progress: {
        n1: { match: 0, next: 61, state: 'probe', recentActive: true, ticksSinceContact: 0, learner: false },
        n2: { match: 55, next: 56, state: 'replicate', recentActive: true, ticksSinceContact: 3, learner: false },
        n10: { match: 10, next: 11, state: 'snapshot', recentActive: true, ticksSinceContact: 1, learner: false },
      },
    });
    const v = buildClusterView(new Map([['n1', leader], ['n2', status('n2')]]), new Map(), 10, new Date(0));
    expect(v.members.map((m) => [m.id, m.membership, m.voter, m.role, m.matchIndex, m.lag, m.lastContactMs, m.replication])).toEqual([
      ['n1', 'voter', true, 'leader', 60, 0, 0, 'leader'],
      ['n2', 'voter', true, 'follower', 55, 5, 30, 'replicate'],
      ['n3', 'outgoing-voter', true, 'unreachable', null, null, null, null],
      ['n10', 'voter', true, 'unreachable', 10, 50, 10, 'snapshot'],
    ]);
    expect(v.configuration).toEqual({ voters: ['n1', 'n2', 'n10'], learners: ['n3'], outgoing: ['n1', 'n2', 'n3'] });
    expect(v.changeInProgress).toBe(true);
    expect(v.observedAt).toBe('1970-01-01T00:00:00.000Z');
  });

  it('without a leader: the configuration of the highest term, no progress, no quorum; non-members are not listed', () => {
    const v = buildClusterView(
      new Map([
        ['n2', status('n2', { leaderId: null, term: 4, config: { voters: ['n2', 'n3'], learners: [], outgoing: [] } })],
        ['n1', status('n1', { leaderId: null, term: 3 })],
      ]),
      new Map(),
      10,
    );
    expect(v).toMatchObject({ leaderId: null, quorum: false, changeInProgress: false, configuration: { voters: ['n2', 'n3'] } });
    expect(v.members.map((m) => [m.id, m.lag])).toEqual([
      ['n2', null],
      ['n3', null],
    ]);
  });

  it('sorts node ids numerically', () => {
    expect(['n10', 'n2', 'n1'].sort(byNodeId)).toEqual(['n1', 'n2', 'n10']);
  });
  it('when no node answers, the last known configuration lists the members as unreachable', () => {
    const v = buildClusterView(new Map(), new Map([['n1', 'h:7001']]), 10, new Date(0), { voters: ['n1', 'n2'], learners: [], outgoing: [] });
    expect(v).toMatchObject({ leaderId: null, quorum: false, configuration: { voters: ['n1', 'n2'] } });
    expect(v.members.map((m) => [m.id, m.role, m.reachable, m.address.http])).toEqual([
      ['n1', 'unreachable', false, 'h:7001'],
      ['n2', 'unreachable', false, null],
    ]);
  });
});
