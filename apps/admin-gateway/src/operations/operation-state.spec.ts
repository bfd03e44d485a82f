import type { ClusterView, MembershipProgress } from '../cluster/cluster-types';
import { ABANDON_GRACE_MS, observe, reconcile, settle, type FollowState, type OperationSubject } from './operation-state';

function view(over: Partial<ClusterView> & { voters?: string[]; learners?: string[]; outgoing?: string[] } = {}): ClusterView {
  const { voters = ['n1', 'n2', 'n3'], learners = [], outgoing = [], ...rest } = over;
  return {
    leaderId: 'n1',
    term: 2,
    commitIndex: 10,
    lastIndex: 10,
    members: [],
    configuration: { voters, learners, outgoing },
    changeInProgress: false,
    membership: null,
    quorum: true,
    observedAt: '2026-01-01T00:00:00.000Z',
    ...rest,
  };
}
const m = (kind: MembershipProgress['change']['kind'], id: string, phase: MembershipProgress['phase'], round = 0, error: string | null = null): MembershipProgress => ({ change: { kind, id }, phase, round, error });
const addVoter: OperationSubject = { kind: 'add-member', target: 'n4', params: { role: 'voter' } };
const addLearner: OperationSubject = { kind: 'add-member', target: 'n4', params: { role: 'learner' } };
const remove: OperationSubject = { kind: 'remove-member', target: 'n3', params: {} };
const transfer: OperationSubject = { kind: 'transfer-leader', target: 'n2', params: {} };
const follow = (now = 0, timeout = 60_000): FollowState => ({ lastPhase: 'accepted', startedAt: now, deadline: now + timeout, lastActiveAt: now, lastLeader: null });

describe('operation state machine', () => {
  it('records each phase of a voter addition once, in order, and succeeds on the settled new configuration', () => {
    const st = follow();
    const seen: string[] = [];
    const run = (v: ClusterView, t: number) => {
      const o = observe(addVoter, st, v, t);
      if (o.step) {
        seen.push(o.step.phase);
        st.lastPhase = o.step.phase;
      }
      return o.outcome;
    };
    expect(run(view({ changeInProgress: true, membership: m('add-voter', 'n4', 'adding-learner') }), 10)).toBeUndefined();
    expect(run(view({ changeInProgress: true, learners: ['n4'], membership: m('add-voter', 'n4', 'catching-up', 1) }), 20)).toBeUndefined();
    expect(run(view({ changeInProgress: true, learners: ['n4'], membership: m('add-voter', 'n4', 'catching-up', 1) }), 30)).toBeUndefined();
    expect(run(view({ changeInProgress: true, learners: ['n4'], membership: m('add-voter', 'n4', 'catching-up', 2) }), 40)).toBeUndefined();
    expect(run(view({ changeInProgress: true, voters: ['n1', 'n2', 'n3', 'n4'], outgoing: ['n1', 'n2', 'n3'], membership: m('add-voter', 'n4', 'joint') }), 50)).toBeUndefined();
    expect(run(view({ changeInProgress: true, voters: ['n1', 'n2', 'n3', 'n4'], membership: m('add-voter', 'n4', 'leaving-joint') }), 60)).toBeUndefined();
    expect(run(view({ voters: ['n1', 'n2', 'n3', 'n4'], membership: m('add-voter', 'n4', 'done') }), 70)).toEqual({ status: 'succeeded', detail: 'n4 is a voter' });
    expect(seen).toEqual(['adding-learner', 'catching-up (round 1)', 'catching-up (round 2)', 'joint', 'leaving-joint', 'done']);
  });

  it('does not succeed while the configuration is joint, even if the target already votes in C(new)', () => {
    const o = observe(addVoter, follow(), view({ changeInProgress: true, voters: ['n1', 'n2', 'n3', 'n4'], outgoing: ['n1', 'n2', 'n3'] }), 10);
    expect(o.outcome).toBeUndefined();
  });

  it('ignores a finished change of another kind for the same node (a learner addition before a promotion)', () => {
    const o = observe(addVoter, follow(), view({ learners: ['n4'], membership: m('add-learner', 'n4', 'done') }), 10);
    expect(o).toEqual({});
  });

  it('fails with the leader’s error; a voter addition that stopped at learner is interrupted', () => {
    const st = follow();
    st.lastPhase = 'catching-up (round 10)';
    expect(observe(addVoter, st, view({ learners: ['n4'], membership: m('add-voter', 'n4', 'failed', 10, 'n4 did not catch up within 10 rounds') }), 10)).toEqual({
      step: { phase: 'failed', detail: 'n4 did not catch up within 10 rounds' },
      outcome: { status: 'interrupted', detail: 'n4 did not catch up within 10 rounds' },
    });
    expect(observe(addVoter, follow(), view({ membership: m('add-voter', 'n4', 'failed', 0, 'boom') }), 10).outcome).toEqual({ status: 'failed', detail: 'boom' });
  });

  it('waits without a leader, then times out', () => {
    const st = follow(0, 1000);
    expect(observe(remove, st, view({ leaderId: null, quorum: false }), 10)).toEqual({ step: { phase: 'waiting for a leader' } });
    st.lastPhase = 'waiting for a leader';
    expect(observe(remove, st, null, 20)).toEqual({});
    expect(observe(remove, st, null, 1000)).toEqual({ outcome: { status: 'failed', detail: 'timed out: the cluster has no leader' } });
  });

  it('a removal of the leader succeeds once a new leader reports the settled configuration without it', () => {
    const st = follow();
    expect(observe(remove, st, view({ changeInProgress: true, outgoing: ['n1', 'n2', 'n3'], voters: ['n1', 'n2'], membership: m('remove', 'n3', 'joint') }), 10).outcome).toBeUndefined();
    expect(observe(remove, st, view({ leaderId: 'n2', voters: ['n1', 'n2'] }), 20).outcome).toEqual({ status: 'succeeded', detail: 'n3 is no longer a member' });
  });

  it('an abandoned change settles from the configuration only after the grace period', () => {
    const st = follow(0);
    const settled = view({ leaderId: 'n2', learners: ['n4'] });
    expect(observe(addVoter, st, settled, ABANDON_GRACE_MS - 1).outcome).toBeUndefined();
    expect(observe(addVoter, st, settled, ABANDON_GRACE_MS).outcome).toEqual({ status: 'interrupted', detail: 'the leader no longer runs the change: interrupted: n4 is a learner' });
  });

  it('times out with the true state', () => {
    const st = follow(0, 100);
    expect(observe(addVoter, st, view({ changeInProgress: true, learners: ['n4'], membership: m('add-voter', 'n4', 'catching-up', 3) }), 100).outcome).toEqual({
      status: 'interrupted',
      detail: 'timed out: interrupted: n4 is a learner',
    });
  });

  it('a transfer succeeds when the target leads, and fails at its deadline', () => {
    const st = follow(0, 500);
    expect(observe(transfer, st, view(), 100)).toEqual({});
    expect(observe(transfer, st, view({ leaderId: 'n2', term: 3 }), 200).outcome).toEqual({ status: 'succeeded', detail: 'n2 is the leader (term 3)' });
    expect(observe(transfer, st, view(), 500).outcome).toEqual({ status: 'failed', detail: 'timed out: n2 did not take over leadership (leader: n1)' });
  });

  it('settle: the verdict from a configuration', () => {
    expect(settle(addVoter, view({ voters: ['n1', 'n4'] }))).toEqual({ status: 'succeeded', detail: 'n4 is a voter' });
    expect(settle(addVoter, view({ learners: ['n4'] }))).toEqual({ status: 'interrupted', detail: 'interrupted: n4 is a learner' });
    expect(settle(addVoter, view())).toEqual({ status: 'failed', detail: 'n4 is not a member' });
    expect(settle(addLearner, view({ learners: ['n4'] }))).toEqual({ status: 'succeeded', detail: 'n4 is a learner' });
    expect(settle(addLearner, view())).toEqual({ status: 'failed', detail: 'n4 is not a member' });
    expect(settle(remove, view({ voters: ['n1', 'n2'] }))).toEqual({ status: 'succeeded', detail: 'n3 is no longer a member' });
    expect(settle(remove, view())).toEqual({ status: 'failed', detail: 'n3 is still a voter' });
    expect(settle(remove, view({ voters: ['n1', 'n2'], learners: ['n3'] }))).toEqual({ status: 'failed', detail: 'n3 is still a learner' });
  });
});

describe('reconciliation after a gateway restart', () => {
  it('target now a voter → succeeded; a learner → interrupted; absent → failed', () => {
    expect(reconcile(addVoter, view({ voters: ['n1', 'n2', 'n3', 'n4'] }))).toEqual({ resume: false, outcome: { status: 'succeeded', detail: 'n4 is a voter' } });
    expect(reconcile(addVoter, view({ learners: ['n4'] }))).toEqual({ resume: false, outcome: { status: 'interrupted', detail: 'interrupted: n4 is a learner' } });
    expect(reconcile(addVoter, view())).toEqual({ resume: false, outcome: { status: 'failed', detail: 'n4 is not a member' } });
  });

  it('resumes a change the leader still runs, or a joint configuration a leader will finish', () => {
    expect(reconcile(addVoter, view({ changeInProgress: true, learners: ['n4'], membership: m('add-voter', 'n4', 'catching-up', 1) }))).toEqual({ resume: true });
    expect(reconcile(remove, view({ changeInProgress: true, voters: ['n1', 'n2'], outgoing: ['n1', 'n2', 'n3'] }))).toEqual({ resume: true });
  });

  it('settles a change the leader reported failed with its error', () => {
    expect(reconcile(addVoter, view({ learners: ['n4'], membership: m('add-voter', 'n4', 'failed', 10, 'gave up') }))).toEqual({ resume: false, outcome: { status: 'interrupted', detail: 'gave up' } });
  });

  it('without a leader the operation fails rather than staying running', () => {
    expect(reconcile(addVoter, view({ leaderId: null, quorum: false }))).toEqual({
      resume: false,
      outcome: { status: 'failed', detail: 'interrupted by a gateway restart; the cluster had no leader to check the outcome against' },
    });
    expect(reconcile(transfer, null).resume).toBe(false);
  });

  it('a transfer is settled by who leads', () => {
    expect(reconcile(transfer, view({ leaderId: 'n2' }))).toEqual({ resume: false, outcome: { status: 'succeeded', detail: 'n2 is the leader (term 2)' } });
    expect(reconcile(transfer, view())).toEqual({ resume: false, outcome: { status: 'failed', detail: 'n2 is not the leader (leader: n1)' } });
  });
});
