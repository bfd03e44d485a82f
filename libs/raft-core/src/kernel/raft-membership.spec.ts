import { ConfigChangeInProgressError, InvalidConfigChangeError, RemovedFromClusterError } from './errors';
import { cmd, TestCluster } from './testing/cluster';

const five = ['n1', 'n2', 'n3', 'n4', 'n5'];
const three = { voters: ['n1', 'n2', 'n3'], learners: [], outgoing: [] };

function settle(c: TestCluster, rounds = 30): void {
  for (let i = 0; i < rounds; i++) {
    c.tickAll();
    c.stabilize();
  }
}

/** n1 leads n1–n4 and removes n4 while n4 is cut off, so n4 never receives the change. */
function removedWhileIsolated(): TestCluster {
  const c = new TestCluster({ ids: ['n1', 'n2', 'n3', 'n4'], preVote: true, checkQuorum: true });
  c.elect('n1');
  c.isolate('n4');
  c.node('n1').changeMembership({ kind: 'remove', id: 'n4' });
  settle(c, 10);
  return c;
}

describe('§6 membership changes: learners, catch-up, joint consensus', () => {
  it('adds a voter as learner → caught up → C(old,new) → C(new), and every server ends with the same configuration', () => {
    const c = new TestCluster({ ids: ['n1', 'n2', 'n3', 'n4'], config: three, joiners: ['n4'] });
    c.elect('n1');
    for (let i = 0; i < 20; i++) c.node('n1').propose(cmd(`v${i}`));
    c.stabilize();
    c.node('n1').changeMembership({ kind: 'add-voter', id: 'n4' });
    settle(c);
    const phases = c.membershipEvents.map((e) => e.phase);
    expect(phases).toEqual(['adding-learner', 'catching-up', 'joint', 'leaving-joint', 'done']);
    for (const id of ['n1', 'n2', 'n3', 'n4']) {
      expect(c.node(id).status().config).toEqual({ voters: ['n1', 'n2', 'n3', 'n4'], learners: [], outgoing: [] });
    }
    expect(c.applied.get('n4')).toEqual(c.applied.get('n1'));
    expect(c.node('n1').status().configChangeInProgress).toBe(false);
  });

  it('refuses a second change while one is in flight, and invalid changes, with typed errors', () => {
    const c = new TestCluster({ ids: ['n1', 'n2', 'n3', 'n4', 'n5'], config: three, joiners: ['n4', 'n5'] });
    c.elect('n1');
    c.node('n1').changeMembership({ kind: 'add-voter', id: 'n4' });
    expect(() => c.node('n1').changeMembership({ kind: 'add-learner', id: 'n5' })).toThrow(ConfigChangeInProgressError);
    settle(c);
    expect(() => c.node('n1').changeMembership({ kind: 'add-voter', id: 'n4' })).toThrow(InvalidConfigChangeError);
    expect(() => c.node('n1').changeMembership({ kind: 'remove', id: 'zz' })).toThrow(InvalidConfigChangeError);
    expect(() => c.node('n1').changeMembership({ kind: 'add-learner', id: 'bad id!' })).toThrow(InvalidConfigChangeError);
    const solo = new TestCluster({ ids: ['n1'] });
    solo.elect('n1');
    expect(() => solo.node('n1').changeMembership({ kind: 'remove', id: 'n1' })).toThrow('cannot remove the last voter');
  });

  it('removing the leader: it leads through the joint phase, then steps down and never campaigns again', () => {
    const c = new TestCluster({ ids: ['n1', 'n2', 'n3'], preVote: true, checkQuorum: true });
    c.elect('n1');
    c.node('n1').changeMembership({ kind: 'remove', id: 'n1' });
    settle(c, 10);
    const leader = c.leader()!;
    expect(['n2', 'n3']).toContain(leader.id);
    expect(c.node('n1').status().role).toBe('follower');
    expect(c.node('n1').status().removed).not.toBeNull(); // it committed its own removal
    expect(() => c.node('n1').propose(cmd('x'))).toThrow(RemovedFromClusterError);
    c.crash('n1');
    c.start('n1'); // and knows it again from its own disk after a restart
    expect(c.node('n1').status().removed).not.toBeNull();
    for (const id of ['n2', 'n3']) expect(c.node(id).status().config).toEqual({ voters: ['n2', 'n3'], learners: [], outgoing: [] });
    const term = leader.status().term;
    settle(c, 100);
    expect(c.node('n1').status().role).toBe('follower');
    expect(leader.status()).toMatchObject({ role: 'leader', term });
    leader.propose(cmd('after-removal'));
    c.stabilize();
    expect(c.applied.get(leader.id)).toContain('after-removal');
  });

  it('a removed server that never learned of its removal cannot disrupt the cluster: a member tells it, and it refuses requests with a typed error', () => {
    const c = removedWhileIsolated();
    const removal = c.node('n1').status();
    expect(removal.config.voters).toEqual(['n1', 'n2', 'n3']);
    expect(c.node('n4').status().config.voters).toContain('n4'); // it never heard
    expect(c.node('n4').status().removed).toBeNull();
    settle(c, 50); // n4 times out over and over (PreVote keeps its term)
    c.heal();
    settle(c, 50); // its next PreVote is answered with a notice
    const n4 = c.node('n4').status();
    expect(n4.removed).not.toBeNull();
    expect(n4.removed!.configIndex).toBeLessThanOrEqual(removal.commit);
    expect(n4).toMatchObject({ role: 'follower', leaderId: null });
    expect(() => c.node('n4').propose(cmd('x'))).toThrow(RemovedFromClusterError);
    c.node('n4').readIndex('r1');
    expect(c.node('n4').ready().readFailures).toEqual([{ ctx: 'r1', reason: 'removed' }]);
    for (const id of ['n1', 'n2', 'n3']) expect(c.node(id).status().removed).toBeNull();
    expect(c.node('n1').status()).toMatchObject({ role: 'leader', term: removal.term });
  });

  it('a server not yet told a voter was added still votes for it, and the voter ignores its notice', () => {
    const c = new TestCluster({ ids: ['n1', 'n2', 'n3', 'n4'], config: three, joiners: ['n4'], preVote: true, checkQuorum: true });
    c.elect('n1');
    c.isolate('n3'); // n3 will not see n4 join
    c.node('n1').changeMembership({ kind: 'add-voter', id: 'n4' });
    settle(c, 30);
    const n4 = c.node('n4').status();
    expect(n4.config.voters).toContain('n4');
    // n3's newest configuration (the first one) is committed and leaves n4 out. With n1 and
    // n2 down, n4 could only win with n3's vote: n3 must still grant it (n4's log is ahead)
    // as well as send its notice, which n4 must ignore (its own configuration is newer).
    const lastLogTerm = c.node('n4').termAt(n4.lastIndex)!;
    c.node('n3').step({ type: 'vote', from: 'n4', to: 'n3', term: n4.term + 1, pre: true, lastLogIndex: n4.lastIndex, lastLogTerm, transfer: false });
    const replies = c.node('n3').ready().messages;
    expect(replies.filter((m) => m.type === 'voteResp')).toEqual([expect.objectContaining({ to: 'n4', pre: true, granted: true })]);
    const notices = replies.filter((m) => m.type === 'removed');
    expect(notices).toHaveLength(1);
    c.node('n4').step(notices[0]!);
    expect(c.node('n4').status().removed).toBeNull();
  });

  it('a connected follower removed by joint consensus is told by the leader when C(new) commits', () => {
    const c = new TestCluster({ ids: ['n1', 'n2', 'n3', 'n4'], preVote: true, checkQuorum: true });
    c.elect('n1');
    c.node('n1').changeMembership({ kind: 'remove', id: 'n3' });
    settle(c, 10);
    // n3 may well hold C(new) (it was sent before the leader stopped replicating to it), but
    // not know it committed; no voter of C(new), it never campaigns to be told otherwise.
    expect(c.node('n3').status().removed).toEqual({ configIndex: c.node('n1').status().commit });
    expect(() => c.node('n3').propose(cmd('x'))).toThrow(RemovedFromClusterError);
    for (const id of ['n1', 'n2', 'n4']) expect(c.node(id).status().removed).toBeNull();
  });

  it('a server told it was removed takes part again once a newer configuration adds it back', () => {
    const c = removedWhileIsolated();
    c.heal();
    settle(c, 50);
    expect(c.node('n4').status().removed).not.toBeNull();
    c.node('n1').changeMembership({ kind: 'add-voter', id: 'n4' });
    settle(c, 60);
    expect(c.node('n1').status().config.voters).toEqual(['n1', 'n2', 'n3', 'n4']);
    expect(c.node('n4').status().removed).toBeNull();
    c.node('n4').propose(cmd('back'));
    settle(c, 5);
    expect(c.applied.get('n1')).toContain('back');
  });

  it('gives up catching up a learner that cannot keep up, after a bounded number of rounds', () => {
    const c = new TestCluster({ ids: ['n1', 'n2', 'n3', 'n4'], config: three, joiners: ['n4'] });
    c.elect('n1');
    c.crash('n4'); // the new server is unreachable
    c.node('n1').changeMembership({ kind: 'add-voter', id: 'n4', maxRounds: 2 });
    for (let i = 0; i < 200; i++) {
      c.tickAll();
      c.node('n1').propose(cmd(`x${i}`));
      c.stabilize();
    }
    const last = c.membershipEvents[c.membershipEvents.length - 1]!;
    expect(last).toMatchObject({ phase: 'failed', error: 'n4 did not catch up within 2 rounds' });
    expect(c.node('n1').status().config).toEqual({ voters: ['n1', 'n2', 'n3'], learners: ['n4'], outgoing: [] });
    expect(c.node('n1').status().configChangeInProgress).toBe(false);
  });

  it('the paper’s 3 → 5 change never elects two leaders in one term, under random delivery and timeouts', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const c = new TestCluster({ ids: five, seed, config: three, joiners: ['n4', 'n5'] });
      c.elect('n1');
      c.node('n1').changeMembership({ kind: 'add-learner', id: 'n4' });
      settle(c, 3);
      c.node('n1').changeMembership({ kind: 'add-learner', id: 'n5' });
      settle(c, 3);
      // Now jump from {n1,n2,n3} to {n1..n5} in one joint change, while disrupting elections.
      const leader = c.leader()!;
      const base = leader.status().config;
      expect(base.learners).toEqual(['n4', 'n5']);
      const leaders = new Map<number, Set<string>>();
      let rnd = seed * 7919;
      const next = (n: number): number => ((rnd = (rnd * 1103515245 + 12345) % 2147483648), rnd % n);
      leader.changeMembership({ kind: 'add-voter', id: 'n4' });
      for (let step = 0; step < 400; step++) {
        const who = five[next(5)]!;
        if (next(3) === 0) c.tick(who, 1 + next(15));
        c.flush();
        // Deliver a random subset, drop some: the worst orderings are where two majorities could form.
        c.deliver(() => next(4) !== 0);
        c.queue = c.queue.filter(() => next(5) !== 0);
        for (const id of five) {
          const s = c.node(id).status();
          if (s.role !== 'leader') continue;
          const set = leaders.get(s.term) ?? new Set<string>();
          set.add(id);
          leaders.set(s.term, set);
          expect({ seed, term: s.term, leaders: [...set] }).toEqual({ seed, term: s.term, leaders: [id] });
        }
      }
    }
  });
});
