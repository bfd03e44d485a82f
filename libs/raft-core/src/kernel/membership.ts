import { InvalidConfigChangeError } from './errors';
import type { ConfigState, NodeId } from './types';

/** A membership change an operator asks the leader for. */
export type MembershipChange =
  | { readonly kind: 'add-learner'; readonly id: NodeId }
  /** Adds a voter safely: learner first, catch-up in rounds, then joint consensus. */
  | { readonly kind: 'add-voter'; readonly id: NodeId; readonly maxRounds?: number }
  /** Removes a learner directly, or a voter through joint consensus (the leader included). */
  | { readonly kind: 'remove'; readonly id: NodeId };

/** Where a membership operation is. */
export type MembershipPhase = 'adding-learner' | 'removing-learner' | 'catching-up' | 'joint' | 'leaving-joint' | 'done' | 'failed';

/** Progress of the membership operation the leader is running. */
export interface MembershipStatus {
  readonly change: MembershipChange;
  readonly phase: MembershipPhase;
  /** Catch-up round (1-based) while catching up. */
  readonly round: number;
  readonly error: string | null;
}

/** Reported in Ready whenever a membership operation changes phase. */
export interface MembershipEvent extends MembershipStatus {
  readonly term: number;
}

const sorted = (ids: Iterable<NodeId>): NodeId[] => [...new Set(ids)].sort();

/** The configuration with `id` added as a learner. */
export function withLearner(c: ConfigState, id: NodeId): ConfigState {
  return { voters: [...c.voters], learners: sorted([...c.learners, id]), outgoing: [...c.outgoing] };
}

/** The configuration without learner `id`. */
export function withoutLearner(c: ConfigState, id: NodeId): ConfigState {
  return { voters: [...c.voters], learners: c.learners.filter((x) => x !== id), outgoing: [...c.outgoing] };
}

/** C(old,new): `voters` become the new voters, the current ones the outgoing half. */
export function enterJoint(c: ConfigState, newVoters: readonly NodeId[], learners: readonly NodeId[]): ConfigState {
  if (c.outgoing.length > 0) throw new InvalidConfigChangeError('already in a joint configuration');
  if (newVoters.length === 0) throw new InvalidConfigChangeError('a configuration needs at least one voter');
  return { voters: sorted(newVoters), learners: sorted(learners), outgoing: [...c.voters] };
}

/** C(new): drop the outgoing half of a joint configuration. */
export function leaveJoint(c: ConfigState): ConfigState {
  return { voters: [...c.voters], learners: [...c.learners], outgoing: [] };
}

/** Checks a requested change against the current configuration; throws a typed error. */
export function validateChange(c: ConfigState, change: MembershipChange): void {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(change.id)) throw new InvalidConfigChangeError(`invalid node id "${change.id}"`);
  const voter = c.voters.includes(change.id);
  const learner = c.learners.includes(change.id);
  switch (change.kind) {
    case 'add-learner':
      if (voter || learner) throw new InvalidConfigChangeError(`${change.id} is already a member`);
      return;
    case 'add-voter':
      if (voter) throw new InvalidConfigChangeError(`${change.id} is already a voter`);
      if (change.maxRounds !== undefined && !(change.maxRounds >= 1)) throw new InvalidConfigChangeError('maxRounds must be ≥ 1');
      return;
    case 'remove':
      if (!voter && !learner) throw new InvalidConfigChangeError(`${change.id} is not a member`);
      if (voter && c.voters.length === 1) throw new InvalidConfigChangeError(`cannot remove the last voter ${change.id}`);
      return;
  }
}
