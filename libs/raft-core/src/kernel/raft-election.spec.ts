import { NoLeaderError, NotLeaderError } from './errors';
import { cmd, TestCluster } from './testing/cluster';
import type { Message, VoteRequest } from './types';

const ids = ['n1', 'n2', 'n3'];

describe('§5.1 terms', () => {
  it('a follower adopts a higher term from any message and stays follower', () => {
    const c = new TestCluster({ ids });
    c.node('n1').step({ type: 'heartbeat', from: 'n2', to: 'n1', term: 5, commit: 0, seq: 1 });
    expect(c.node('n1').status()).toMatchObject({ role: 'follower', term: 5, leaderId: 'n2' });
  });

  it('a leader seeing a higher term steps down to follower', () => {
    const c = new TestCluster({ ids });
    c.elect('n1');
    const term = c.node('n1').status().term;
    c.node('n1').step({ type: 'appResp', from: 'n2', to: 'n1', term: term + 3, success: false, index: 0, hintIndex: 0, hintTerm: 0 });
    expect(c.node('n1').status()).toMatchObject({ role: 'follower', term: term + 3, leaderId: null });
  });

  it('rejects a message from a stale term and answers with its own term', () => {
    const c = new TestCluster({ ids });
    c.node('n1').step({ type: 'heartbeat', from: 'n2', to: 'n1', term: 4, commit: 0, seq: 1 });
    c.flush();
    c.queue = [];
    c.node('n1').step({ type: 'app', from: 'n3', to: 'n1', term: 2, prevIndex: 0, prevTerm: 0, entries: [], commit: 0 });
    c.flush();
    expect(c.queue).toEqual([expect.objectContaining({ type: 'appResp', to: 'n3', term: 4, success: false })]);
    expect(c.node('n1').status().leaderId).toBe('n2');
  });
});

describe('§5.2 leader election', () => {
  it('servers start as followers in term 0', () => {
    const c = new TestCluster({ ids });
    for (const id of ids) expect(c.node(id).status()).toMatchObject({ role: 'follower', term: 0, vote: null });
  });

  it('a follower that times out becomes candidate, votes for itself and asks everyone', () => {
    const c = new TestCluster({ ids, electionTicks: 10 });
    c.tick('n1', 20); // past any timeout in [10, 20)
    c.flush('n1');
    expect(c.node('n1').status()).toMatchObject({ role: 'candidate', term: 1, vote: 'n1' });
    const votes = c.queue.filter((m): m is VoteRequest => m.type === 'vote');
    expect(votes.map((m) => m.to).sort()).toEqual(['n2', 'n3']);
    expect(votes.every((m) => m.term === 1 && !m.pre)).toBe(true);
    // Term and vote are persisted before the requests go out.
    expect(c.disks.get('n1')!.hard).toMatchObject({ term: 1, vote: 'n1' });
  });

  it('a candidate wins with a majority of votes and appends a no-op', () => {
    const c = new TestCluster({ ids });
    c.elect('n1');
    const s = c.node('n1').status();
    expect(s.role).toBe('leader');
    expect(c.node('n1').entries(1, 2)).toEqual([expect.objectContaining({ index: 1, term: s.term, type: 'noop' })]);
    expect(c.node('n2').status().leaderId).toBe('n1');
  });

  it('a candidate does not win with only a minority', () => {
    const c = new TestCluster({ ids: ['n1', 'n2', 'n3', 'n4', 'n5'] });
    c.isolate('n1');
    c.cutLink('n1', 'n2');
    c.heal();
    for (const other of ['n3', 'n4', 'n5']) c.cutLink('n1', other);
    c.tick('n1', 25);
    c.stabilize();
    // n1 can reach only n2: 2 of 5 votes.
    expect(c.node('n1').status().role).toBe('candidate');
  });

  it('a candidate steps down on AppendEntries from a leader of its own term', () => {
    const c = new TestCluster({ ids });
    c.tick('n1', 25);
    c.flush('n1');
    c.queue = [];
    const term = c.node('n1').status().term;
    c.node('n1').step({ type: 'app', from: 'n2', to: 'n1', term, prevIndex: 0, prevTerm: 0, entries: [], commit: 0 });
    expect(c.node('n1').status()).toMatchObject({ role: 'follower', term, leaderId: 'n2' });
  });

  it('a candidate that times out starts a new election in a higher term', () => {
    const c = new TestCluster({ ids });
    c.isolate('n1');
    c.tick('n1', 20);
    c.stabilize();
    expect(c.node('n1').status()).toMatchObject({ role: 'candidate', term: 1 });
    c.tick('n1', 20);
    c.stabilize();
    expect(c.node('n1').status()).toMatchObject({ role: 'candidate', term: 2 });
  });

  it('grants at most one vote per term', () => {
    const c = new TestCluster({ ids });
    const ask = (from: string): Message => ({ type: 'vote', from, to: 'n3', term: 1, pre: false, lastLogIndex: 0, lastLogTerm: 0, transfer: false });
    c.node('n3').step(ask('n1'));
    c.node('n3').step(ask('n2'));
    c.node('n3').step(ask('n1')); // a retransmitted request from the same candidate is granted again
    c.flush('n3');
    const answers = c.queue.filter((m) => m.type === 'voteResp').map((m) => [m.to, m.type === 'voteResp' && m.granted]);
    expect(answers).toEqual([
      ['n1', true],
      ['n2', false],
      ['n1', true],
    ]);
    expect(c.disks.get('n3')!.hard).toMatchObject({ term: 1, vote: 'n1' });
  });

  it('election timeouts are randomized in [T, 2T) and differ between servers', () => {
    const timeouts = new Set<number>();
    for (let seed = 1; seed <= 20; seed++) {
      const c = new TestCluster({ ids: ['n1'], seed, electionTicks: 10, config: { voters: ['n1', 'x', 'y'], learners: [], outgoing: [] } });
      let t = 0;
      while (c.node('n1').status().role === 'follower') {
        c.tick('n1');
        t++;
      }
      expect(t).toBeGreaterThanOrEqual(10);
      expect(t).toBeLessThan(20);
      timeouts.add(t);
    }
    expect(timeouts.size).toBeGreaterThan(3);
  });

  it('split votes resolve: eventually exactly one leader is elected', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const c = new TestCluster({ ids: ['n1', 'n2', 'n3', 'n4'], seed });
      // Everyone times out at once: votes split, then randomized timeouts break the tie.
      for (let round = 0; round < 50 && !c.leader(); round++) {
        c.tickAll();
        c.stabilize();
      }
      const leaders = ['n1', 'n2', 'n3', 'n4'].filter((id) => c.node(id).status().role === 'leader');
      expect({ seed, leaders: leaders.length }).toEqual({ seed, leaders: 1 });
    }
  });
});

describe('§5.4.1 election restriction', () => {
  it('refuses a vote to a candidate whose log is less up to date', () => {
    const c = new TestCluster({ ids });
    c.elect('n1');
    c.node('n1').propose(cmd('x'));
    c.stabilize();
    const t = c.node('n2').status().term;
    c.queue = [];
    // Same last term, shorter log.
    c.node('n2').step({ type: 'vote', from: 'n3', to: 'n2', term: t + 1, pre: false, lastLogIndex: 1, lastLogTerm: t, transfer: false });
    // Older last term, longer log.
    c.node('n2').step({ type: 'vote', from: 'n1', to: 'n2', term: t + 2, pre: false, lastLogIndex: 9, lastLogTerm: t - 1, transfer: false });
    c.flush('n2');
    expect(c.queue.filter((m) => m.type === 'voteResp').map((m) => m.type === 'voteResp' && m.granted)).toEqual([false, false]);
    // Higher last term wins even with a shorter log.
    c.queue = [];
    c.node('n2').step({ type: 'vote', from: 'n3', to: 'n2', term: t + 3, pre: false, lastLogIndex: 1, lastLogTerm: t + 1, transfer: false });
    c.flush('n2');
    expect(c.queue).toEqual([expect.objectContaining({ type: 'voteResp', granted: true, term: t + 3 })]);
  });
});

describe('proposals without a leader', () => {
  it('fail fast with NoLeaderError', () => {
    const c = new TestCluster({ ids });
    expect(() => c.node('n1').propose(cmd('x'))).toThrow(NoLeaderError);
  });

  it('are rejected with a leader hint when forwarding is off', () => {
    const c = new TestCluster({ ids, forwardProposals: false });
    c.elect('n1');
    let err: unknown;
    try {
      c.node('n2').propose(cmd('x'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NotLeaderError);
    expect((err as NotLeaderError).leaderHint).toBe('n1');
  });

  it('are forwarded to the leader when forwarding is on', () => {
    const c = new TestCluster({ ids });
    c.elect('n1');
    expect(c.node('n3').propose(cmd('fwd'))).toEqual({ forwarded: true });
    c.stabilize();
    for (const id of ids) expect(c.applied.get(id)).toEqual(['fwd']);
  });
});

describe('heartbeats ahead of a busy Ready loop (takeHeartbeats)', () => {
  it('takes only heartbeat traffic of the durable term, leaving every other message in order', () => {
    const c = new TestCluster({ ids, heartbeatTicks: 1 });
    c.elect('n1');
    c.flush();
    const leader = c.node('n1');
    const term = leader.status().term;
    leader.propose(cmd('x'));
    leader.tick(); // heartbeat round queued behind the append
    const taken = leader.takeHeartbeats();
    expect(taken.length).toBe(2);
    expect(taken.every((m: Message) => m.type === 'heartbeat' && m.term === term)).toBe(true);
    const rd = leader.ready();
    expect(rd.messages.some((m) => m.type === 'heartbeat')).toBe(false);
    expect(rd.messages.filter((m) => m.type === 'app').map((m) => m.to).sort()).toEqual(['n2', 'n3']);
    leader.advance(rd);
  });

  it('a new commit index goes to each follower known to hold it as a notice the busy host may send ahead', () => {
    const c = new TestCluster({ ids });
    c.elect('n1');
    c.stabilize();
    const leader = c.node('n1');
    leader.propose(cmd('a'));
    const rd = leader.ready();
    leader.advance(rd);
    for (const m of rd.messages) c.node(m.to).step(m);
    c.flush('n2');
    c.flush('n3');
    leader.propose(cmd('b'));
    const busy = leader.ready(); // b being written
    c.deliver((m) => m.to === 'n1' && m.from === 'n2'); // n2's ack commits a
    const commit = leader.status().commit;
    // n2 is known to hold a: it is told now, not after b's write.
    expect(leader.takeHeartbeats()).toEqual([expect.objectContaining({ type: 'app', to: 'n2', entries: [], commit })]);
    // n3 is told as soon as its own ack shows it holds a.
    c.deliver((m) => m.to === 'n1' && m.from === 'n3');
    expect(leader.takeHeartbeats()).toEqual([expect.objectContaining({ type: 'app', to: 'n3', entries: [], commit })]);
    leader.advance(busy);
  });

  it('a heartbeat response in a term not yet durable is not taken: it waits for its Ready', () => {
    const c = new TestCluster({ ids });
    const n2 = c.node('n2');
    n2.step({ type: 'heartbeat', from: 'n1', to: 'n2', term: 7, commit: 0, seq: 1 });
    expect(n2.takeHeartbeats()).toEqual([]); // term 7 is not on disk yet
    const rd = n2.ready();
    expect(rd.hardState).toMatchObject({ term: 7 });
    expect(rd.messages).toEqual([expect.objectContaining({ type: 'heartbeatResp', term: 7 })]);
    n2.advance(rd);
    n2.step({ type: 'heartbeat', from: 'n1', to: 'n2', term: 7, commit: 0, seq: 2 });
    expect(n2.takeHeartbeats()).toEqual([expect.objectContaining({ type: 'heartbeatResp', term: 7, seq: 2 })]);
  });
});
