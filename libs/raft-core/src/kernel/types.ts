/**
 * Plain-data types of the Raft kernel. Everything here is serialisable and printable so a
 * failing simulation can print a readable trace, and so transports can encode it directly.
 */

/** A server's identity. Stable across restarts; never reused for a different server. */
export type NodeId = string;

/** What an entry carries. `noop` is the entry a new leader appends at the start of its term. */
export type EntryType = 'normal' | 'noop' | 'config';

/** One log entry. `data` is opaque to the kernel except for `config` entries. */
export interface Entry {
  readonly index: number;
  readonly term: number;
  readonly type: EntryType;
  readonly data: Uint8Array;
}

/**
 * A cluster configuration. `voters` form the (new) majority; during joint consensus
 * `outgoing` holds the previous voters and both majorities are needed. Learners receive
 * the log but never count in a quorum.
 */
export interface ConfigState {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
  /** Voters of the outgoing configuration while a joint configuration is in force; else empty. */
  readonly outgoing: readonly NodeId[];
}

/** State that must be on stable storage before the server answers any RPC (Figure 2). */
export interface HardState {
  readonly term: number;
  readonly vote: NodeId | null;
  readonly commit: number;
}

/** Describes a snapshot: the last index/term it covers and the configuration at that index. */
export interface SnapshotMeta {
  readonly index: number;
  readonly term: number;
  readonly config: ConfigState;
}

/** Role of a server. `precandidate` is the PreVote phase, which does not bump the term. */
export type Role = 'follower' | 'precandidate' | 'candidate' | 'leader';

/** Volatile state worth reporting (not persisted). */
export interface SoftState {
  readonly role: Role;
  readonly leaderId: NodeId | null;
}

interface MessageBase {
  readonly from: NodeId;
  readonly to: NodeId;
  /** Sender's term; for PreVote requests the term the sender *would* campaign in. */
  readonly term: number;
}

/** RequestVote (and PreVote when `pre` is set). */
export interface VoteRequest extends MessageBase {
  readonly type: 'vote';
  readonly pre: boolean;
  readonly lastLogIndex: number;
  readonly lastLogTerm: number;
  /** Set when campaigning after TimeoutNow: bypasses the "heard from a leader recently" rule. */
  readonly transfer: boolean;
}

export interface VoteResponse extends MessageBase {
  readonly type: 'voteResp';
  readonly pre: boolean;
  readonly granted: boolean;
}

/** AppendEntries. An empty `entries` array is still a consistency probe. */
export interface AppendRequest extends MessageBase {
  readonly type: 'app';
  readonly prevIndex: number;
  readonly prevTerm: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
}

export interface AppendResponse extends MessageBase {
  readonly type: 'appResp';
  readonly success: boolean;
  /** On success: the follower's match index. On rejection: the rejected `prevIndex`. */
  readonly index: number;
  /** On rejection: the follower's hint for fast backtracking — the last index it could match… */
  readonly hintIndex: number;
  /** …and the term of its entry at `hintIndex` (0 if none). */
  readonly hintTerm: number;
}

/** Leader heartbeat. `seq` lets the leader tie acknowledgements to pending ReadIndex rounds. */
export interface HeartbeatRequest extends MessageBase {
  readonly type: 'heartbeat';
  readonly commit: number;
  readonly seq: number;
}

export interface HeartbeatResponse extends MessageBase {
  readonly type: 'heartbeatResp';
  readonly seq: number;
}

/** One chunk of InstallSnapshot. */
export interface SnapshotRequest extends MessageBase {
  readonly type: 'snap';
  readonly meta: SnapshotMeta;
  readonly offset: number;
  readonly data: Uint8Array;
  readonly done: boolean;
}

export interface SnapshotResponse extends MessageBase {
  readonly type: 'snapResp';
  readonly meta: SnapshotMeta;
  /** Next byte offset the follower expects (after `done`: the snapshot's total size). */
  readonly nextOffset: number;
  readonly done: boolean;
  /** The follower refused the chunk (offset mismatch); the leader restarts from `nextOffset`. */
  readonly rejected: boolean;
}

/** Leadership transfer: the receiver starts an election immediately. */
export interface TimeoutNow extends MessageBase {
  readonly type: 'timeoutNow';
}

/** A follower asks the leader for a read index on behalf of its clients. */
export interface ReadIndexRequest extends MessageBase {
  readonly type: 'readIndex';
  readonly ctx: string;
}

export interface ReadIndexResponse extends MessageBase {
  readonly type: 'readIndexResp';
  readonly ctx: string;
  /** -1 when the leader could not serve the read (not leader any more, transfer, …). */
  readonly index: number;
}

/** A proposal forwarded from a follower to the leader. */
export interface ProposeForward extends MessageBase {
  readonly type: 'propose';
  readonly entries: readonly { readonly type: EntryType; readonly data: Uint8Array }[];
}

/**
 * "You are not a member": the answer to a request only a member may make (a vote, a
 * forwarded proposal or read) from a server that this server's committed configuration
 * leaves out. A server removed from the cluster usually never receives the configuration
 * that removes it (the leader stops replicating to it), so without this it would campaign
 * and time out its clients forever.
 */
export interface RemovedNotice extends MessageBase {
  readonly type: 'removed';
  /** Index of the committed configuration entry that leaves the receiver out. */
  readonly configIndex: number;
}

export type Message =
  | VoteRequest
  | VoteResponse
  | AppendRequest
  | AppendResponse
  | HeartbeatRequest
  | HeartbeatResponse
  | SnapshotRequest
  | SnapshotResponse
  | TimeoutNow
  | ReadIndexRequest
  | ReadIndexResponse
  | ProposeForward
  | RemovedNotice;

export type MessageType = Message['type'];

/** A read that may be served once the local state machine has applied `index`. */
export interface ReadState {
  readonly ctx: string;
  readonly index: number;
}

/** A read that could not be served; the caller should retry elsewhere or later. */
export interface ReadFailure {
  readonly ctx: string;
  readonly reason: 'not-leader' | 'no-leader' | 'transferring' | 'stepped-down' | 'removed';
}

/** A snapshot chunk received over InstallSnapshot that the host must write durably. */
export interface IncomingSnapshotChunk {
  readonly meta: SnapshotMeta;
  readonly offset: number;
  readonly data: Uint8Array;
  readonly done: boolean;
}

/**
 * Everything the kernel wants done, in the order it must be done:
 *   1. persist `snapshotChunks`, `hardState` and `entries` (fsync);
 *   2. if `installSnapshot` is set, make that received snapshot current (restore the state
 *      machine from it, drop the log it covers);
 *   3. send `messages` — only now, since votes and acknowledgements promise durability;
 *   4. apply `committedEntries` in order;
 *   5. serve `readStates` once applied ≥ their index; fail `readFailures`.
 * Then call `advance(ready)` on the kernel.
 *
 * Two overlaps are allowed (Raft thesis §10.2.1): a leader's `app`, `heartbeat` and `snap`
 * messages may leave before step 1 (its own copy only counts toward commitment once the
 * kernel is told it is durable), and committed entries already durable from an earlier
 * Ready — below the first index this Ready writes — may be applied before step 1, unless
 * `installSnapshot` is set.
 */
export interface Ready {
  readonly softState: SoftState | null;
  readonly hardState: HardState | null;
  /** Entries to append. If the first index ≤ the stored last index, the stored suffix from
   * that index on is discarded first (a conflicting suffix repaired by the leader). */
  readonly entries: readonly Entry[];
  readonly snapshotChunks: readonly IncomingSnapshotChunk[];
  readonly installSnapshot: SnapshotMeta | null;
  readonly messages: readonly Message[];
  readonly committedEntries: readonly Entry[];
  readonly readStates: readonly ReadState[];
  readonly readFailures: readonly ReadFailure[];
  /** Phase changes of the membership operation this leader runs (for operators and audit). */
  readonly membershipEvents: readonly import('./membership').MembershipEvent[];
}

/**
 * True for the messages of a Ready that may leave before its write is durable (the first
 * overlap allowed on {@link Ready}): leader traffic — `app`, `heartbeat`, `snap` — promises
 * nothing about the sender's own disk. Votes and acknowledgements do, so they wait.
 */
export function sendableBeforePersist(m: Message): boolean {
  return m.type === 'app' || m.type === 'heartbeat' || m.type === 'snap';
}

/** What a server recovered from stable storage at start. */
export interface RecoveredState {
  readonly hardState: HardState;
  /** The latest durable snapshot, if any; the log starts right after it. */
  readonly snapshot: SnapshotMeta | null;
  /** Durable entries after the snapshot, contiguous. */
  readonly entries: readonly Entry[];
  /** Configuration to start with when neither the snapshot nor the log holds one
   * (a freshly bootstrapped cluster). Empty voters = join mode: wait to be contacted. */
  readonly bootstrapConfig: ConfigState;
}
