import { cmd, TestCluster } from './testing/cluster';

const ids = ['n1', 'n2', 'n3'];

describe('§6.4 ReadIndex', () => {
  it('the leader answers a read with its commit index after a heartbeat round confirms leadership', () => {
    const c = new TestCluster({ ids });
    c.elect('n1');
    c.node('n1').propose(cmd('w'));
    c.stabilize();
    c.node('n1').readIndex('r1');
    c.flush('n1');
    expect(c.readStates.get('n1')).toEqual([]); // not before a quorum answered
    c.stabilize();
    expect(c.readStates.get('n1')).toEqual([{ ctx: 'r1', index: 2 }]);
  });

  it('reads issued together share one heartbeat round', () => {
    const c = new TestCluster({ ids });
    c.elect('n1');
    c.queue = [];
    c.node('n1').readIndex('a');
    c.node('n1').readIndex('b');
    c.flush('n1');
    expect(c.queue.filter((m) => m.type === 'heartbeat')).toHaveLength(2); // one per follower
    c.stabilize();
    expect(c.readStates.get('n1')!.map((r) => r.ctx)).toEqual(['a', 'b']);
  });

  it('a new leader waits until an entry of its term is committed before answering', () => {
    const c = new TestCluster({ ids });
    while (c.node('n1').status().role !== 'leader') {
      c.tick('n1');
      c.flush();
      c.deliver((m) => m.type === 'vote' || m.type === 'voteResp');
    }
    c.node('n1').readIndex('early');
    c.flush();
    c.deliver((m) => m.type === 'heartbeat' || m.type === 'heartbeatResp');
    c.flush();
    expect(c.readStates.get('n1')).toEqual([]);
    c.stabilize();
    expect(c.readStates.get('n1')).toEqual([{ ctx: 'early', index: 1 }]);
  });

  it('a follower gets a read index from the leader', () => {
    const c = new TestCluster({ ids });
    c.elect('n1');
    c.node('n1').propose(cmd('w'));
    c.stabilize();
    c.node('n3').readIndex('f1');
    c.stabilize();
    expect(c.readStates.get('n3')).toEqual([{ ctx: 'f1', index: 2 }]);
    expect(c.node('n3').status().applied).toBeGreaterThanOrEqual(2);
  });

  it('a deposed leader in a minority never answers a read, and fails it when it learns it was deposed', () => {
    const c = new TestCluster({ ids });
    c.elect('n1');
    c.isolate('n1');
    c.elect('n2');
    c.node('n2').propose(cmd('new'));
    c.stabilize();
    // n1 still believes it leads; a read there must not return the stale state.
    c.node('n1').readIndex('stale');
    for (let i = 0; i < 5; i++) {
      c.tick('n1');
      c.stabilize();
    }
    expect(c.readStates.get('n1')).toEqual([]);
    c.heal();
    c.tick('n2');
    c.stabilize();
    c.tickAll();
    c.stabilize();
    expect(c.node('n1').status().role).toBe('follower');
    expect(c.readStates.get('n1')).toEqual([]);
    expect(c.readFailures.get('n1')).toEqual([{ ctx: 'stale', reason: 'stepped-down' }]);
  });

  it('lease reads are answered without a round while a quorum acknowledged recently, and not after', () => {
    const c = new TestCluster({ ids, checkQuorum: true });
    c.elect('n1');
    c.tick('n1'); // heartbeat round, acknowledged by both followers
    c.stabilize();
    c.queue = [];
    c.node('n1').readIndex('lease1', 'lease');
    c.flush('n1');
    expect(c.readStates.get('n1')).toEqual([{ ctx: 'lease1', index: 1 }]);
    expect(c.queue.filter((m) => m.type === 'heartbeat')).toHaveLength(0);
    // Cut off, the lease runs out: a lease read then needs a (failing) heartbeat round.
    c.isolate('n1');
    c.tick('n1', 9);
    c.stabilize();
    c.node('n1').readIndex('lease2', 'lease');
    c.stabilize();
    expect(c.readStates.get('n1')!.map((r) => r.ctx)).toEqual(['lease1']);
  });
});

describe('§6 / thesis §4.2.3: PreVote, CheckQuorum and disruptive servers', () => {
  it('with PreVote, a partitioned server does not inflate its term and cannot disrupt on return', () => {
    const c = new TestCluster({ ids, preVote: true, checkQuorum: true });
    c.elect('n1');
    const term = c.node('n1').status().term;
    c.isolate('n3');
    c.tick('n3', 100);
    c.stabilize();
    expect(c.node('n3').status()).toMatchObject({ term, role: 'precandidate' });
    c.heal();
    c.tick('n1');
    c.stabilize();
    expect(c.node('n1').status()).toMatchObject({ role: 'leader', term });
    expect(c.node('n3').status()).toMatchObject({ role: 'follower', leaderId: 'n1' });
  });

  it('a server that heard from a leader within the minimum election timeout ignores RequestVote', () => {
    const c = new TestCluster({ ids, checkQuorum: true });
    c.elect('n1');
    const term = c.node('n2').status().term;
    c.queue = [];
    c.node('n2').step({ type: 'vote', from: 'n3', to: 'n2', term: term + 5, pre: false, lastLogIndex: 99, lastLogTerm: 99, transfer: false });
    c.flush('n2');
    expect(c.node('n2').status()).toMatchObject({ term, leaderId: 'n1' });
    expect(c.queue).toEqual([]);
  });

  it('CheckQuorum: a leader that cannot reach a majority for an election timeout steps down', () => {
    const c = new TestCluster({ ids, checkQuorum: true });
    c.elect('n1');
    c.isolate('n1');
    c.tick('n1', 25);
    c.flush('n1');
    expect(c.node('n1').status()).toMatchObject({ role: 'follower', leaderId: null });
  });

  it('learners never campaign', () => {
    const c = new TestCluster({ ids: ['n1', 'n2'], config: { voters: ['n1'], learners: ['n2'], outgoing: [] } });
    c.tick('n2', 100);
    c.stabilize();
    expect(c.node('n2').status().role).toBe('follower');
    c.elect('n1');
    c.node('n1').propose(cmd('to-learner'));
    c.stabilize();
    expect(c.applied.get('n2')).toEqual(['to-learner']);
  });
});

describe('leases across restarts', () => {
  it('a restarted voter ignores RequestVote for one election timeout, keeping the leader lease sound', () => {
    const c = new TestCluster({ ids, checkQuorum: true });
    c.elect('n1');
    const term = c.node('n1').status().term;
    c.crash('n2');
    c.start('n2'); // forgot that it heard from n1 a moment ago
    const vote = { type: 'vote' as const, from: 'n3', to: 'n2', term: term + 1, pre: false, lastLogIndex: 99, lastLogTerm: 99, transfer: false };
    c.queue = [];
    c.node('n2').step(vote);
    c.flush('n2');
    expect(c.queue).toEqual([]);
    expect(c.node('n2').status().term).toBe(term);
    c.tick('n2', 10); // one election timeout later it votes normally again
    c.node('n2').step(vote);
    c.flush('n2');
    expect(c.queue).toEqual([expect.objectContaining({ type: 'voteResp', granted: true, term: term + 1 })]);
  });
});
