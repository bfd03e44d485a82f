import type { ConfigState, NodeId, Role } from './types';

/** Replication state of one follower as seen by the leader (etcd's probe/replicate/snapshot). */
export type ProgressState = 'probe' | 'replicate' | 'snapshot';

/** The leader's view of one peer's replication progress. */
export interface PeerProgress {
  readonly match: number;
  readonly next: number;
  readonly state: ProgressState;
  /** AppendEntries currently in flight (replicate state). */
  readonly inflight: number;
  /** Whether the peer answered during the current election-timeout window (CheckQuorum). */
  readonly recentActive: boolean;
  /** Ticks since the leader last heard from this peer. */
  readonly ticksSinceContact: number;
  readonly learner: boolean;
}

/** A snapshot of the kernel's state, for status endpoints, metrics and checkers. */
export interface RaftStatus {
  readonly id: NodeId;
  readonly role: Role;
  readonly term: number;
  readonly vote: NodeId | null;
  readonly leaderId: NodeId | null;
  readonly commit: number;
  readonly applied: number;
  /** Index of the first entry held in the log (snapshotIndex + 1). */
  readonly firstIndex: number;
  readonly lastIndex: number;
  readonly snapshotIndex: number;
  readonly snapshotTerm: number;
  /** The newest configuration in the log (in force as soon as appended). */
  readonly config: ConfigState;
  /** Per-peer progress; only on the leader. */
  readonly progress: Readonly<Record<NodeId, PeerProgress>> | null;
  /** Target of an ongoing leadership transfer, if any. */
  readonly leadTransferee: NodeId | null;
  /** The membership operation this leader runs (null elsewhere or when none ran). */
  readonly membership: import('./membership').MembershipStatus | null;
  /** Whether a configuration change is in flight (joint config or uncommitted config entry). */
  readonly configChangeInProgress: boolean;
  /** Set once this server knows a committed configuration (in force at this index) leaves it out. */
  readonly removed: { readonly configIndex: number } | null;
}
