import type { NodeId } from './types';
import type { SnapshotSource } from './storage';

/** A seeded source of randomness, injected so runs are reproducible. */
export interface RandomSource {
  /** A uniformly distributed integer in [0, bound). */
  nextInt(bound: number): number;
}

/** Kernel configuration. Times are in ticks; the host decides how long a tick is. */
export interface RaftOptions {
  readonly id: NodeId;
  /** T: election timeouts are drawn uniformly from [T, 2T). */
  readonly electionTicks: number;
  /** A leader sends heartbeats every `heartbeatTicks`; must be well below `electionTicks`. */
  readonly heartbeatTicks: number;
  readonly random: RandomSource;
  /** Run a PreVote round before a real election (default true). */
  readonly preVote?: boolean;
  /** A leader that has not heard from a quorum within an election timeout steps down (default true). */
  readonly checkQuorum?: boolean;
  /** Followers forward proposals to the leader instead of rejecting them (default true). */
  readonly forwardProposals?: boolean;
  /** Max AppendEntries in flight per follower in the replicate state (default 64). */
  readonly maxInflightMessages?: number;
  /** Max payload bytes per AppendEntries (default 1 MiB). At least one entry is always sent. */
  readonly maxMessageBytes?: number;
  /** Max bytes per InstallSnapshot chunk (default 1 MiB). */
  readonly maxSnapshotChunkBytes?: number;
  /** Ticks subtracted from the lease to allow for clock drift between servers (default 2).
   * Lease reads assume every server's tick rate differs by less than this over one election timeout. */
  readonly leaseDriftTicks?: number;
  /** Where the leader reads the chunks of its current snapshot from. */
  readonly snapshots: SnapshotSource;
}

/** Options with defaults filled in. */
export type ResolvedOptions = Required<RaftOptions>;

/** Fills defaults and checks the options make sense; throws a descriptive error otherwise. */
export function resolveOptions(o: RaftOptions): ResolvedOptions {
  const r: ResolvedOptions = {
    preVote: true,
    checkQuorum: true,
    forwardProposals: true,
    maxInflightMessages: 64,
    maxMessageBytes: 1 << 20,
    maxSnapshotChunkBytes: 1 << 20,
    leaseDriftTicks: 2,
    ...o,
  };
  if (!r.id) throw new Error('RaftOptions.id must be a non-empty node id');
  if (!(r.heartbeatTicks >= 1)) throw new Error('RaftOptions.heartbeatTicks must be ≥ 1');
  if (!(r.electionTicks > r.heartbeatTicks)) throw new Error('RaftOptions.electionTicks must exceed heartbeatTicks');
  if (!(r.maxInflightMessages >= 1)) throw new Error('RaftOptions.maxInflightMessages must be ≥ 1');
  if (!(r.leaseDriftTicks >= 0 && r.leaseDriftTicks < r.electionTicks))
    throw new Error('RaftOptions.leaseDriftTicks must be in [0, electionTicks)');
  return r;
}
