import { majorityLeader } from './our-cluster';

const status = (id: string, role: string, leaderId: string | null): Record<string, unknown> => ({ id, role, leaderId });

describe('majorityLeader', () => {
  it('names the leader once a majority of the cluster names it and it says so itself, without the other statuses', () => {
    // 5 nodes; the two that have not answered (say, paused) cannot outvote 3.
    expect(majorityLeader([status('n2', 'leader', 'n2'), status('n3', 'follower', 'n2'), status('n4', 'follower', 'n2')], 5)).toBe('n2');
  });

  it('is undecided while the statuses in hand are not a majority of the cluster', () => {
    expect(majorityLeader([status('n2', 'leader', 'n2'), status('n3', 'follower', 'n2')], 5)).toBeNull();
  });

  it('needs the named node to say it is leader (a deposed leader still named by followers is not)', () => {
    expect(majorityLeader([status('n1', 'candidate', null), status('n2', 'follower', 'n1'), status('n3', 'follower', 'n1')], 3)).toBeNull();
    expect(majorityLeader([status('n2', 'follower', 'n1'), status('n3', 'follower', 'n1')], 3)).toBeNull();
  });

  it('counts a node that did not answer (null) as naming no one', () => {
    expect(majorityLeader([null, status('n2', 'leader', 'n2'), null], 3)).toBeNull();
    expect(majorityLeader([null, status('n2', 'leader', 'n2'), status('n3', 'follower', 'n2')], 3)).toBe('n2');
  });
});
