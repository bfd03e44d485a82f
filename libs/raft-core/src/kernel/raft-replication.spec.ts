import { cmd, TestCluster, text } from './testing/cluster';
import type { RaftKernel } from './raft';
import type { AppendRequest, Ready } from './types';

const ids = ['n1', 'n2', 'n3'];

describe('§5.3 log replication', () => {
  it('the leader replicates, commits once a majority stores an entry, and every server applies in order exactly once', () => {
    const c = new TestCluster({ ids });
    c.elect('n1');
    for (const v of ['a', 'b', 'c']) c.node('n1').propose(cmd(v));
    c.stabilize();
    for (const id of ids) {
      expect(c.applied.get(id)).toEqual(['a', 'b', 'c']);
      expect(c.node(id).status()).toMatchObject({ commit: 4, applied: 4, lastIndex: 4 });
    }
  });

  it('commits with a majority while a minority is down, and the minority catches up later', () => {
    const c = new TestCluster({ ids });
    c.elect('n1');
    c.crash('n3');
    c.node('n1').propose(cmd('x'));
    c.stabilize();
    expect(c.node('n1').status().commit).toBe(2);
    c.start('n3');
    c.tickAll(2);
    c.stabilize();
    expect(c.applied.get('n3')).toEqual(['x']);
  });

  it('pipelines at most maxInflightMessages AppendEntries per follower before acknowledgements', () => {
    const c = new TestCluster({ ids, maxInflightMessages: 2 });
    c.elect('n1');
    const n1 = c.node('n1');
    for (let i = 0; i < 5; i++) {
      n1.propose(cmd(`p${i}`));
      c.flush('n1'); // one Ready — one AppendEntries — per proposal
    }
    const toN2 = c.queue.filter((m): m is AppendRequest => m.type === 'app' && m.to === 'n2' && m.entries.length > 0);
    expect(toN2).toHaveLength(2);
    expect(n1.status().progress!['n2']).toMatchObject({ state: 'replicate', inflight: 2 });
    c.stabilize();
    expect(c.applied.get('n2')).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
  });

  it('recovers a follower whose whole in-flight window was lost (found by the simulator)', () => {
    const c = new TestCluster({ ids, maxInflightMessages: 2 });
    c.elect('n1');
    c.stabilize();
    for (let i = 0; i < 4; i++) {
      c.node('n1').propose(cmd(`lost${i}`));
      c.flush('n1');
      c.queue = c.queue.filter((m) => !(m.type === 'app' && m.to === 'n2')); // every append to n2 vanishes
      c.deliver();
      c.flush();
    }
    expect(c.node('n1').status().progress!['n2']).toMatchObject({ state: 'replicate', inflight: 2 });
    for (let i = 0; i < 5; i++) {
      c.tick('n1');
      c.stabilize();
    }
    expect(c.applied.get('n2')).toEqual(['lost0', 'lost1', 'lost2', 'lost3']);
  });

  it('batches proposals made between two Readies into one AppendEntries', () => {
    const c = new TestCluster({ ids });
    c.elect('n1');
    c.queue = [];
    c.node('n1').proposeBatch([cmd('a'), cmd('b')]);
    c.node('n1').propose(cmd('c'));
    c.flush('n1');
    const apps = c.queue.filter((m): m is AppendRequest => m.type === 'app' && m.to === 'n2');
    expect(apps.map((m) => m.entries.length)).toEqual([3]);
  });

  it('entries are persisted before the AppendEntries that carry them are sent', () => {
    const c = new TestCluster({ ids });
    c.elect('n1');
    c.node('n1').propose(cmd('d'));
    const rd = c.node('n1').ready();
    const carried = rd.messages.filter((m): m is AppendRequest => m.type === 'app').flatMap((m) => m.entries.map((e) => e.index));
    const persisted = rd.entries.map((e) => e.index);
    for (const i of carried) expect(persisted).toContain(i);
    c.node('n1').advance(rd);
  });
});

describe('§5.3 Figure 7: the leader repairs every kind of follower log', () => {
  // Leader for term 8 holds terms 1,1,1,4,4,5,5,6,6,6 at indexes 1..10.
  const leaderLog = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
  const followers: Record<string, number[]> = {
    a: [1, 1, 1, 4, 4, 5, 5, 6, 6],
    b: [1, 1, 1, 4],
    c: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
    d: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
    e: [1, 1, 1, 4, 4, 4, 4],
    f: [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
  };
  for (const [name, log] of Object.entries(followers)) {
    it(`(${name}) ends with the leader's log`, () => {
      const c = new TestCluster({ ids: ['L', 'V', 'F'] });
      c.preload('L', leaderLog, { term: 7 });
      c.preload('V', leaderLog, { term: 7 });
      c.preload('F', log, { term: 7 });
      c.isolate('F'); // F's vote is not needed (and (d) would refuse it)
      c.elect('L');
      c.heal();
      const term = c.node('L').status().term;
      c.tick('L');
      c.stabilize();
      c.tickAll();
      c.stabilize();
      expect(c.diskTerms('F')).toEqual([...leaderLog, term]);
      expect(c.node('F').status().commit).toBe(11);
      expect(c.node('F').entries(1, 12).map((e) => e.term)).toEqual([...leaderLog, term]);
    });
  }

  it('fast backtracking repairs (f) in a few round trips, not one per entry', () => {
    const c = new TestCluster({ ids: ['L', 'V', 'F'] });
    c.preload('L', leaderLog, { term: 7 });
    c.preload('V', leaderLog, { term: 7 });
    c.preload('F', followers['f']!, { term: 7 });
    c.isolate('F');
    c.elect('L');
    c.heal();
    let rejections = 0;
    for (let round = 0; round < 20; round++) {
      c.tick('L');
      c.flush();
      rejections += c.queue.filter((m) => m.type === 'appResp' && m.from === 'F' && !m.success && m.index > 0).length;
      c.deliver();
      c.stabilize();
    }
    expect(c.diskTerms('F').slice(0, 10)).toEqual(leaderLog);
    expect(rejections).toBeLessThanOrEqual(3);
  });
});

describe('§5.4.2 Figure 8: entries from previous terms are never committed by counting', () => {
  it('the leader does not commit an old-term entry stored on a majority until an entry of its term is', () => {
    const s = ['s1', 's2', 's3', 's4', 's5'];
    const c = new TestCluster({ ids: s });
    // (c) of Figure 8: s1 holds index 2 from term 2, s5 holds index 2 from term 3.
    c.preload('s1', [1, 2], { term: 3 });
    c.preload('s2', [1, 2], { term: 3 });
    c.preload('s3', [1], { term: 3 });
    c.preload('s4', [1], { term: 3 });
    c.preload('s5', [1, 3], { term: 3 });
    c.crash('s5');
    // Elect s1 (term 4) while only delivering votes, so replication is under our control.
    while (c.node('s1').status().role !== 'leader') {
      c.tick('s1');
      c.flush();
      c.deliver((m) => m.type === 'vote' || m.type === 'voteResp');
    }
    const term = c.node('s1').status().term;
    expect(term).toBeGreaterThan(3);
    c.flush();
    c.queue = [];
    const ack = (from: string, index: number): void =>
      c.node('s1').step({ type: 'appResp', from, to: 's1', term, success: true, index, hintIndex: 0, hintTerm: 0 });
    // Index 2 (term 2) now stored on s1, s2, s3: a majority — but it must not commit.
    ack('s2', 2);
    ack('s3', 2);
    c.flush('s1');
    expect(c.node('s1').status().commit).toBe(0);
    // Once the leader's no-op at index 3 (current term) is on a majority, both commit.
    ack('s2', 3);
    c.flush('s1');
    expect(c.node('s1').status().commit).toBe(0); // s1, s2: not yet a majority of five
    ack('s3', 3);
    c.flush('s1');
    expect(c.node('s1').status().commit).toBe(3);
  });
});

describe('§5 partitions', () => {
  it('a partitioned leader cannot commit, and steps down when it sees the higher term', () => {
    const c = new TestCluster({ ids });
    c.elect('n1');
    c.isolate('n1');
    c.node('n1').propose(cmd('lost'));
    c.stabilize();
    expect(c.node('n1').status().commit).toBe(1);
    c.elect('n2');
    c.node('n2').propose(cmd('kept'));
    c.stabilize();
    c.heal();
    c.tick('n2');
    c.stabilize();
    c.tickAll();
    c.stabilize();
    expect(c.node('n1').status()).toMatchObject({ role: 'follower', leaderId: 'n2', term: c.node('n2').status().term });
    for (const id of ids) expect(c.applied.get(id)).toEqual(['kept']);
  });
});

describe('applying ahead of a busy Ready loop (takeCommitted)', () => {
  /** A leader n1 whose base commit index is known; no Ready outstanding anywhere. */
  function elected(): { c: TestCluster; leader: RaftKernel; base: number } {
    const c = new TestCluster({ ids });
    c.elect('n1');
    c.stabilize();
    return { c, leader: c.node('n1'), base: c.node('n1').status().commit };
  }

  /** The leader writes `value` (Ready advanced: durable here); followers store it and queue acks. */
  function writeOnLeaderAndFollowers(c: TestCluster, value: string): Ready {
    const leader = c.node('n1');
    leader.propose(cmd(value));
    const rd = leader.ready();
    leader.advance(rd);
    for (const m of rd.messages) if (m.to !== 'n1') c.node(m.to).step(m);
    c.flush('n2');
    c.flush('n3');
    return rd;
  }

  it("a leader hands out entries committed while the next batch's write is in flight, once, in order", () => {
    const { c, leader, base } = elected();
    writeOnLeaderAndFollowers(c, 'a');
    leader.propose(cmd('b'));
    const second = leader.ready(); // b's write "in flight": not advanced
    expect(second.entries.map((e) => text(e.data))).toEqual(['b']);
    expect(second.committedEntries).toEqual([]);
    c.deliver((m) => m.to === 'n1'); // acks for a arrive meanwhile
    const taken = leader.takeCommitted(base);
    expect(taken.map((e) => [e.index, text(e.data)])).toEqual([[base + 1, 'a']]);
    expect(leader.takeCommitted(base + 1)).toEqual([]); // handed out once
    leader.advance(second);
    const third = leader.ready();
    // b is not committed yet (its acks are still queued); a is not handed out again.
    expect(third.committedEntries.map((e) => text(e.data))).toEqual([]);
    leader.advance(third);
  });

  it('waits until the host applied what the outstanding Ready hands out, and never passes what is durable here', () => {
    const { c, leader, base } = elected();
    leader.propose(cmd('a'));
    c.stabilize(); // a committed and applied everywhere
    writeOnLeaderAndFollowers(c, 'b');
    c.deliver((m) => m.to === 'n1'); // b committed
    leader.propose(cmd('c'));
    const rc = leader.ready(); // hands out b as committed, c to write
    expect(rc.committedEntries.map((e) => text(e.data))).toEqual(['b']);
    // The host has not applied b yet: nothing may jump ahead of it.
    expect(leader.takeCommitted(base + 1)).toEqual([]);
    // After applying b there is nothing more: c is neither durable nor committed.
    expect(leader.takeCommitted(base + 2)).toEqual([]);
    leader.advance(rc);

    // A follower that learns a commit index covering an entry it has not written yet hands
    // out only what is durable here.
    const n2 = c.node('n2');
    const app = rc.messages.find((m): m is AppendRequest => m.to === 'n2' && m.type === 'app' && m.entries.length > 0)!;
    n2.step({ ...app, commit: app.prevIndex + app.entries.length }); // c committed (n3 has it)
    expect(n2.takeCommitted(n2.status().applied).map((e) => text(e.data))).toEqual(['b']);
    const rd = n2.ready();
    expect(rd.entries.map((e) => text(e.data))).toEqual(['c']);
    expect(rd.committedEntries.map((e) => text(e.data))).toEqual(['c']);
    n2.advance(rd);
  });
});
