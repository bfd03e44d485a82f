import { LeaderTransferInProgressError } from './errors';
import { cmd, TestCluster } from './testing/cluster';
import type { SnapshotRequest } from './types';

const ids = ['n1', 'n2', 'n3'];

describe('§7 log compaction and InstallSnapshot', () => {
  it('a follower whose next entry was compacted away is brought back with chunked InstallSnapshot', () => {
    const c = new TestCluster({ ids, maxSnapshotChunkBytes: 8 });
    c.elect('n1');
    c.crash('n3');
    for (let i = 0; i < 10; i++) c.node('n1').propose(cmd(`v${i}`));
    c.stabilize();
    const meta = c.snapshot('n1');
    expect(c.node('n1').status().firstIndex).toBe(meta.index + 1);
    c.node('n1').propose(cmd('after'));
    c.stabilize();
    c.start('n3');
    for (let i = 0; i < 100 && c.applied.get('n3')!.length < 11; i++) {
      c.tickAll();
      c.stabilize();
    }
    const chunks = c.sent.filter((m): m is SnapshotRequest => m.type === 'snap');
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.filter((m) => m.done)).toHaveLength(1);
    expect(c.applied.get('n3')).toEqual([...Array.from({ length: 10 }, (_, i) => `v${i}`), 'after']);
    expect(c.node('n3').status()).toMatchObject({ snapshotIndex: meta.index, commit: 12 });
    expect(c.disks.get('n3')!.snapshot!.meta).toEqual(meta);
  });

  it('a follower with a conflicting log discards it entirely on install', () => {
    const c = new TestCluster({ ids: ['L', 'V', 'F'] });
    c.preload('L', [1, 1, 2, 2], { term: 2 });
    c.preload('V', [1, 1, 2, 2], { term: 2 });
    c.preload('F', [1, 1, 1, 1, 1, 1], { term: 2 });
    c.isolate('F');
    c.elect('L');
    c.stabilize();
    c.snapshot('L');
    c.heal();
    for (let i = 0; i < 10; i++) {
      c.tickAll();
      c.stabilize();
    }
    expect(c.diskTerms('F')).toEqual([]);
    expect(c.node('F').status().snapshotIndex).toBe(5);
    expect(c.node('F').entries(1, 100)).toEqual([]);
  });

  it('a restarted node recovers from snapshot plus log and applies each entry exactly once', () => {
    const c = new TestCluster({ ids });
    c.elect('n1');
    for (const v of ['a', 'b']) c.node('n1').propose(cmd(v));
    c.stabilize();
    c.snapshot('n2');
    c.node('n1').propose(cmd('c'));
    c.stabilize();
    c.crash('n2');
    c.start('n2');
    c.tickAll();
    c.stabilize();
    expect(c.applied.get('n2')).toEqual(['a', 'b', 'c']);
  });
});

describe('thesis §3.10 leadership transfer', () => {
  it('hands leadership to an up-to-date target and refuses proposals meanwhile', () => {
    const c = new TestCluster({ ids, checkQuorum: true, preVote: true });
    c.elect('n1');
    c.crash('n3');
    c.node('n1').propose(cmd('x'));
    c.stabilize();
    c.start('n3');
    c.node('n1').transferLeadership('n3');
    expect(() => c.node('n1').propose(cmd('y'))).toThrow(LeaderTransferInProgressError);
    for (let i = 0; i < 5 && c.node('n3').status().role !== 'leader'; i++) {
      c.tick('n1');
      c.stabilize();
    }
    expect(c.node('n3').status().role).toBe('leader');
    expect(c.node('n1').status()).toMatchObject({ role: 'follower', leaderId: 'n3' });
    expect(c.applied.get('n3')).toEqual(['x']);
  });

  it('gives up after an election timeout if the target does not take over, and accepts proposals again', () => {
    const c = new TestCluster({ ids, checkQuorum: true });
    c.elect('n1');
    c.crash('n3');
    c.node('n1').transferLeadership('n3');
    c.tick('n1', 10);
    c.stabilize();
    expect(c.node('n1').status()).toMatchObject({ role: 'leader', leadTransferee: null });
    expect(c.node('n1').propose(cmd('z'))).toMatchObject({ index: 2 });
  });
});
