/** What a raft-node reports at GET /v1/status (the fields the gateway uses). */
export interface NodeStatus {
  readonly id: string;
  readonly role: 'follower' | 'precandidate' | 'candidate' | 'leader';
  readonly term: number;
  readonly leaderId: string | null;
  readonly commitIndex: number;
  readonly appliedIndex: number;
  readonly lastIndex: number;
  readonly config: { readonly voters: string[]; readonly learners: string[]; readonly outgoing: string[] };
  readonly configChangeInProgress: boolean;
  readonly membership: { readonly change: { kind: string; id: string }; readonly phase: string; readonly round: number; readonly error: string | null } | null;
  readonly members: Record<string, { peer: string; http: string }>;
  readonly progress: Record<string, { match: number; next: number; state: string; recentActive: boolean; ticksSinceContact: number; learner: boolean }> | null;
}

/** One member as GET /v1/cluster shows it. */
export interface MemberView {
  id: string;
  address: { peer: string | null; http: string | null };
  role: string;
  membership: 'voter' | 'learner' | 'outgoing-voter';
  term: number | null;
  matchIndex: number | null;
  lag: number | null;
  lastContactMs: number | null;
  commitIndex: number | null;
  appliedIndex: number | null;
  reachable: boolean;
}

export interface ClusterView {
  leaderId: string | null;
  term: number | null;
  commitIndex: number | null;
  members: MemberView[];
  configuration: { voters: string[]; learners: string[]; outgoing: string[] };
  changeInProgress: boolean;
  membership: NodeStatus['membership'];
  quorum: boolean;
}
