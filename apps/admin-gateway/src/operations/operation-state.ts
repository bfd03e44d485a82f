import type { ClusterView, MembershipProgress } from '../cluster/cluster-types';

export type OperationKind = 'add-member' | 'remove-member' | 'transfer-leader';
/**
 * running → succeeded | failed | interrupted. `interrupted` means the change stopped half
 * way and left the cluster in a consistent intermediate state (a voter addition that
 * stopped with the node still a learner).
 */
export type OperationStatus = 'running' | 'succeeded' | 'failed' | 'interrupted';
export type FinalStatus = Exclude<OperationStatus, 'running'>;

/** What the state machine needs to know about an operation. */
export interface OperationSubject {
  readonly kind: OperationKind;
  readonly target: string;
  readonly params: { readonly role?: 'voter' | 'learner' } & Record<string, unknown>;
}

export interface Outcome {
  readonly status: FinalStatus;
  readonly detail: string;
}

/** The change raft-node runs for an operation (as reported under `membership.change.kind`). */
export function expectedChange(op: OperationSubject): MembershipProgress['change']['kind'] | null {
  if (op.kind === 'add-member') return op.params.role === 'voter' ? 'add-voter' : 'add-learner';
  if (op.kind === 'remove-member') return 'remove';
  return null;
}

/** Whether the leader's `membership` is this operation's change. */
export function isOurs(op: OperationSubject, m: MembershipProgress | null): m is MembershipProgress {
  return m !== null && m.change.id === op.target && m.change.kind === expectedChange(op);
}

/** The label of a reported phase, e.g. `catching-up (round 2)`. */
export function phaseLabel(m: MembershipProgress): string {
  return m.phase === 'catching-up' && m.round > 0 ? `catching-up (round ${m.round})` : m.phase;
}

/**
 * The verdict on an operation from a configuration that no change is running on: what the
 * cluster's true state says happened.
 */
export function settle(op: OperationSubject, view: ClusterView): Outcome {
  const c = view.configuration;
  const id = op.target;
  const voter = c.voters.includes(id) || c.outgoing.includes(id);
  const learner = c.learners.includes(id);
  switch (op.kind) {
    case 'add-member':
      if (op.params.role === 'voter') {
        if (voter) return { status: 'succeeded', detail: `${id} is a voter` };
        if (learner) return { status: 'interrupted', detail: `interrupted: ${id} is a learner` };
        return { status: 'failed', detail: `${id} is not a member` };
      }
      if (learner || voter) return { status: 'succeeded', detail: `${id} is a ${learner ? 'learner' : 'voter'}` };
      return { status: 'failed', detail: `${id} is not a member` };
    case 'remove-member':
      if (!voter && !learner) return { status: 'succeeded', detail: `${id} is no longer a member` };
      return { status: 'failed', detail: `${id} is still a ${voter ? 'voter' : 'learner'}` };
    case 'transfer-leader':
      if (view.leaderId === id) return { status: 'succeeded', detail: `${id} is the leader (term ${view.term ?? '?'})` };
      return { status: 'failed', detail: `${id} is not the leader (leader: ${view.leaderId ?? 'none'})` };
  }
}

/** Progress of a running operation between two observations. */
export interface FollowState {
  /** Label of the last recorded step. */
  lastPhase: string;
  /** When the operation started being followed (ms). */
  readonly startedAt: number;
  /** After this instant (ms) the operation fails as timed out. */
  readonly deadline: number;
  /** Last time (ms) the leader was seen working on this change. */
  lastActiveAt: number;
  /** Last leader seen (transfers record leader changes). */
  lastLeader: string | null;
}

export interface Observation {
  /** A new step to record, if the operation moved on. */
  readonly step?: { readonly phase: string; readonly detail?: string };
  /** Set when the operation is over. */
  readonly outcome?: Outcome;
}

/** How long a change may be invisible on the leader (e.g. right after a leader change) before it counts as abandoned. */
export const ABANDON_GRACE_MS = 3000;

/**
 * One step of the operation state machine: given the cluster as just observed, what was
 * recorded and whether the operation is over. Pure (time is passed in), so it is unit-tested
 * phase by phase.
 *
 * Membership changes: every phase the leader reports (adding-learner, catching-up (round n),
 * joint, leaving-joint, done | failed) becomes a step; the operation succeeds once the
 * configuration is settled (not joint, no change running) and shows the target as asked; it
 * fails when the leader reports failure, when the leader stopped working on it (a new leader
 * abandoned it) for ABANDON_GRACE_MS, or at the deadline — always with the state the
 * cluster is really in.
 */
export function observe(op: OperationSubject, st: FollowState, view: ClusterView | null, now: number): Observation {
  const timedOut = now >= st.deadline;
  if (view === null || !view.quorum) {
    if (timedOut) return { outcome: { status: 'failed', detail: `timed out: the cluster has no leader` } };
    if (st.lastPhase !== 'waiting for a leader') return { step: { phase: 'waiting for a leader' } };
    return {};
  }
  if (op.kind === 'transfer-leader') {
    const s = settle(op, view);
    if (s.status === 'succeeded') return { outcome: s };
    if (timedOut) return { outcome: { status: 'failed', detail: `timed out: ${op.target} did not take over leadership (leader: ${view.leaderId ?? 'none'})` } };
    return {};
  }
  const m = view.membership;
  let step: Observation['step'];
  if (isOurs(op, m)) {
    if (m.phase !== 'done' && m.phase !== 'failed') st.lastActiveAt = now;
    const label = phaseLabel(m);
    if (label !== st.lastPhase) step = { phase: label, ...(m.error ? { detail: m.error } : {}) };
    if (m.phase === 'failed') return { step, outcome: { status: settle(op, view).status === 'interrupted' ? 'interrupted' : 'failed', detail: m.error ?? 'the leader reported failure' } };
  } else if (view.configuration.outgoing.length > 0) {
    // Joint configuration: a (new) leader finishes it by appending C(new).
    st.lastActiveAt = now;
  }
  if (!view.changeInProgress) {
    const s = settle(op, view);
    if (s.status === 'succeeded') return { step, outcome: s };
    if (now - st.lastActiveAt >= ABANDON_GRACE_MS) {
      return { step, outcome: { status: s.status, detail: `the leader no longer runs the change: ${s.detail}` } };
    }
  }
  if (timedOut) {
    const s = settle(op, view);
    return { step, outcome: s.status === 'succeeded' ? s : { status: s.status === 'interrupted' ? 'interrupted' : 'failed', detail: `timed out: ${s.detail}` } };
  }
  return step ? { step } : {};
}

/** After a gateway restart: resume following a change the cluster still runs, or settle it. */
export function reconcile(op: OperationSubject, view: ClusterView | null): { resume: true } | { resume: false; outcome: Outcome } {
  if (view === null || !view.quorum) {
    return { resume: false, outcome: { status: 'failed', detail: 'interrupted by a gateway restart; the cluster had no leader to check the outcome against' } };
  }
  if (op.kind !== 'transfer-leader') {
    const m = view.membership;
    if (isOurs(op, m) && m.phase !== 'done' && m.phase !== 'failed') return { resume: true };
    if (view.configuration.outgoing.length > 0) return { resume: true };
    if (isOurs(op, m) && m.phase === 'failed') return { resume: false, outcome: { status: settle(op, view).status === 'interrupted' ? 'interrupted' : 'failed', detail: m.error ?? 'the leader reported failure' } };
  }
  return { resume: false, outcome: settle(op, view) };
}
