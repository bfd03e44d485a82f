import type { ClusterView } from '../cluster/cluster-types';
import type { OperationEntity } from './operation.entity';

/** What an operation's target looks like in the cluster right now. */
export interface Verdict {
  readonly status: 'running' | 'succeeded' | 'failed';
  readonly detail: string;
}

/**
 * Decides an operation's true state from the cluster's configuration — used while it runs
 * (the leader may change and forget the membership operation) and after a gateway restart.
 * `finished` says whether the caller gives up waiting (interrupted or timed out).
 */
export function judge(op: Pick<OperationEntity, 'kind' | 'target' | 'params'>, view: ClusterView, finished: boolean): Verdict {
  const c = view.configuration;
  const id = op.target;
  const settled = !view.changeInProgress && c.outgoing.length === 0;
  switch (op.kind) {
    case 'add-member': {
      const wantVoter = op.params['role'] === 'voter';
      if (wantVoter && c.voters.includes(id) && settled) return { status: 'succeeded', detail: `${id} is a voter` };
      if (!wantVoter && c.learners.includes(id) && settled) return { status: 'succeeded', detail: `${id} is a learner` };
      if (!finished) return { status: 'running', detail: 'in progress' };
      if (c.learners.includes(id)) return { status: 'failed', detail: `interrupted: ${id} is a learner, not a voter` };
      return { status: 'failed', detail: `interrupted: ${id} is not a member` };
    }
    case 'remove-member': {
      const member = c.voters.includes(id) || c.learners.includes(id) || c.outgoing.includes(id);
      if (!member && settled) return { status: 'succeeded', detail: `${id} is no longer a member` };
      if (!finished) return { status: 'running', detail: 'in progress' };
      return { status: 'failed', detail: `interrupted: ${id} is still a member` };
    }
    case 'transfer-leader':
      if (view.leaderId === id) return { status: 'succeeded', detail: `${id} leads term ${view.term}` };
      if (!finished) return { status: 'running', detail: 'in progress' };
      return { status: 'failed', detail: `${id} did not take over leadership (leader: ${view.leaderId ?? 'none'})` };
  }
}
