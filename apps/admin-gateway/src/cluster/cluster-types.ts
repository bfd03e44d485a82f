/** A change the leader is carrying out, as raft-node reports it under `membership`. */
export interface MembershipProgress {
  readonly change: { readonly kind: 'add-learner' | 'add-voter' | 'remove'; readonly id: string };
  readonly phase: 'adding-learner' | 'removing-learner' | 'catching-up' | 'joint' | 'leaving-joint' | 'done' | 'failed';
  readonly round: number;
  readonly error: string | null;
}

export interface Configuration {
  readonly voters: readonly string[];
  readonly learners: readonly string[];
  /** The old voters while in joint consensus (C(old,new)); empty otherwise. */
  readonly outgoing: readonly string[];
}

export interface PeerProgress {
  readonly match: number;
  readonly next: number;
  readonly state: string;
  readonly inflight?: number;
  readonly recentActive: boolean;
  readonly ticksSinceContact: number;
  readonly learner: boolean;
}

/** What a raft-node reports at GET /v1/status (the fields the gateway uses). */
export interface NodeStatus {
  readonly id: string;
  readonly role: 'follower' | 'precandidate' | 'candidate' | 'leader';
  readonly term: number;
  readonly leaderId: string | null;
  readonly commitIndex: number;
  readonly appliedIndex: number;
  readonly lastIndex: number;
  readonly snapshotIndex: number;
  readonly failed?: boolean;
  readonly config: Configuration;
  readonly configChangeInProgress: boolean;
  readonly membership: MembershipProgress | null;
  readonly members: Readonly<Record<string, { readonly peer: string; readonly http: string }>>;
  /** Only on the leader. */
  readonly progress: Readonly<Record<string, PeerProgress>> | null;
}

/** One member as GET /v1/cluster shows it. */
export interface MemberView {
  id: string;
  address: { peer: string | null; http: string | null };
  /** The node's Raft role as it reports it, or "unreachable". */
  role: 'follower' | 'precandidate' | 'candidate' | 'leader' | 'unreachable';
  /** voter, learner, or outgoing-voter (a voter of the old configuration only, during joint consensus). */
  membership: 'voter' | 'learner' | 'outgoing-voter';
  voter: boolean;
  term: number | null;
  commitIndex: number | null;
  appliedIndex: number | null;
  /** Highest log index known to be replicated on the member (the leader's view). */
  matchIndex: number | null;
  /** Entries behind the leader's last index. */
  lag: number | null;
  /** Milliseconds since the leader last heard from the member (0 for the leader itself). */
  lastContactMs: number | null;
  /** The leader's replication state for the member: probe, replicate or snapshot. */
  replication: string | null;
  reachable: boolean;
}

export interface ClusterView {
  leaderId: string | null;
  term: number | null;
  commitIndex: number | null;
  lastIndex: number | null;
  members: MemberView[];
  configuration: { voters: string[]; learners: string[]; outgoing: string[] };
  /** True while the leader runs a membership change or the configuration is joint. */
  changeInProgress: boolean;
  membership: MembershipProgress | null;
  /** A leader is known (a leader steps down when it loses its quorum: CheckQuorum). */
  quorum: boolean;
  observedAt: string;
}
