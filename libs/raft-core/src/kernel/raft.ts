import { allMembers, decodeConfig, EMPTY_CONFIG, encodeConfig, isJoint, isMember, isVoter } from './config';
import {
  ConfigChangeInProgressError,
  InvalidConfigChangeError,
  KernelUsageError,
  LeaderTransferInProgressError,
  NoLeaderError,
  NotLeaderError,
  RemovedFromClusterError,
} from './errors';
import { RaftLog } from './log';
import { resolveOptions, type RaftOptions, type ResolvedOptions } from './options';
import {
  enterJoint,
  leaveJoint,
  validateChange,
  withLearner,
  withoutLearner,
  type MembershipChange,
  type MembershipEvent,
  type MembershipPhase,
  type MembershipStatus,
} from './membership';
import { Progress } from './progress';
import { committedIndex, isQuorumActive, jointVote } from './quorum';
import { ReadIndexQueue, type PendingRead } from './read-index';
import type { PeerProgress, RaftStatus } from './status';
import type {
  AppendRequest,
  AppendResponse,
  ConfigState,
  Entry,
  EntryType,
  HardState,
  HeartbeatRequest,
  HeartbeatResponse,
  IncomingSnapshotChunk,
  Message,
  NodeId,
  ProposeForward,
  ReadFailure,
  ReadIndexRequest,
  ReadIndexResponse,
  ReadState,
  Ready,
  RecoveredState,
  RemovedNotice,
  Role,
  SnapshotMeta,
  SnapshotRequest,
  SnapshotResponse,
  SoftState,
  VoteRequest,
  VoteResponse,
} from './types';

/** Result of a proposal: where it landed on the leader, or that it was forwarded. */
export type ProposeResult = { readonly index: number; readonly term: number } | { readonly forwarded: true };

/** A proposal payload with its entry type (used for forwarding and batching). */
interface ProposalPayload {
  readonly type: EntryType;
  readonly data: Uint8Array;
}

const NO_DATA = new Uint8Array(0);

/**
 * The Raft kernel: a pure, deterministic state machine. Inputs are `tick`, `step`,
 * `propose`, `readIndex` and `transferLeadership`; outputs are collected in a `Ready`
 * that the host carries out in order (persist → install snapshot → send → apply → serve
 * reads) before calling `advance`. Nothing in here performs I/O, reads a clock or draws
 * ambient randomness: the host injects ticks and a seeded random source.
 *
 * At most one Ready is outstanding at a time; inputs may still be fed while the host is
 * working on it (their effects go into the next Ready).
 */
export class RaftKernel {
  readonly id: NodeId;
  private readonly opts: ResolvedOptions;
  private readonly log: RaftLog;

  private term: number;
  private vote: NodeId | null;
  private role: Role = 'follower';
  private leaderId: NodeId | null = null;

  /** Configuration history: `configs[k]` took effect at `configIndexes[k]`. The last is current. */
  private configs: ConfigState[] = [];
  private configIndexes: number[] = [];
  /**
   * Set once we know a committed configuration (in force at this index) leaves us out: a
   * member told us, or it is in our own log.
   */
  private removed: { readonly configIndex: number } | null = null;
  /** The newest committed configuration whose removed servers this leader told. */
  private removalNoticesSentFor = 0;

  // Timers, in ticks.
  private now = 0;
  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private randomizedElectionTimeout = 0;
  /** Recovered with a non-zero term: it may have heard from a leader just before crashing. */
  private readonly restarted: boolean;

  // Candidate state.
  private votes = new Map<NodeId, boolean>();

  // Leader state.
  private progress = new Map<NodeId, Progress>();
  private heartbeatSeq = 0;
  private readonly heartbeatSentTick = new Map<number, number>();
  private readonly reads = new ReadIndexQueue();
  private readsAwaitingCommit: { ctx: string; requester: NodeId; lease: boolean }[] = [];
  private leadTransferee: NodeId | null = null;
  private needBroadcast = false;
  /** Reads that arrived since the last Ready; they share one heartbeat round. */
  private readBatch: { ctx: string; index: number; requester: NodeId }[] = [];

  /** The membership operation this leader is running, if any. */
  private membershipOp: {
    change: MembershipChange;
    phase: MembershipPhase;
    round: number;
    roundStartTick: number;
    roundTarget: number;
    maxRounds: number;
    /** Index of the configuration entry the current phase waits to see committed. */
    configIndex: number;
    error: string | null;
  } | null = null;

  // Follower state.
  /** A snapshot being received; chunks are only combined when they come from one leader. */
  private incomingSnapshot: { meta: SnapshotMeta; from: NodeId; nextOffset: number } | null = null;
  private readonly remoteReads = new Set<string>();

  // Effects for the next Ready.
  private msgs: Message[] = [];
  private readStates: ReadState[] = [];
  private readFailures: ReadFailure[] = [];
  private snapshotChunks: IncomingSnapshotChunk[] = [];
  private pendingInstall: SnapshotMeta | null = null;
  private membershipEvents: MembershipEvent[] = [];

  // What the host has been told, to report only changes.
  private persistedHard: HardState;
  private reportedSoft: SoftState = { role: 'follower', leaderId: null };
  private outstanding: Ready | null = null;

  constructor(options: RaftOptions, recovered: RecoveredState) {
    this.opts = resolveOptions(options);
    this.id = options.id;
    this.term = recovered.hardState.term;
    this.restarted = recovered.hardState.term > 0;
    this.vote = recovered.hardState.vote;
    this.log = new RaftLog(recovered.snapshot, recovered.entries, recovered.hardState.commit);
    this.persistedHard = { term: this.term, vote: this.vote, commit: this.log.committed };
    this.configs = [recovered.snapshot?.config ?? recovered.bootstrapConfig ?? EMPTY_CONFIG];
    this.configIndexes = [this.log.snapshotIndex];
    for (const e of recovered.entries) if (e.type === 'config') this.pushConfig(e);
    this.noticeOwnRemoval();
    this.resetElectionTimer();
  }

  // ───────────────────────────── inputs ─────────────────────────────

  /** Advances logical time by one tick. */
  tick(): void {
    this.now++;
    if (this.role === 'leader') this.tickLeader();
    else this.tickElection();
  }

  /** Feeds one message received from a peer. */
  step(m: Message): void {
    if (m.to !== this.id) return;
    // Membership, not terms, decides these: a removed server's term means nothing to us.
    if (m.type === 'removed') return this.handleRemoved(m);
    if ((m.type === 'vote' || m.type === 'propose' || m.type === 'readIndex') && this.surelyOutside(m.from)) {
      this.send<RemovedNotice>({ type: 'removed', from: this.id, to: m.from, term: this.term, configIndex: this.latestConfigIndex() });
      // A vote request is still answered as before: its sender may be a voter added by a
      // configuration we have not received yet (it ignores the notice), and an election
      // may need our vote — refusing it could leave a majority of live servers leaderless.
      if (m.type !== 'vote') return;
    }
    if (m.term > this.term) {
      if (m.type === 'vote' && !m.transfer && this.inLease()) {
        // §6 (disruptive servers): we heard from a live leader less than an election
        // timeout ago, so a candidate asking for votes is most likely removed or
        // partitioned; ignore it without adopting its term.
        return;
      }
      if (m.type === 'vote' && m.pre) {
        // A PreVote carries the term the sender *would* use; it never changes ours.
      } else if (m.type === 'voteResp' && m.pre && m.granted) {
        // Granted PreVotes echo the future term; not a reason to step down.
      } else {
        const leader = m.type === 'app' || m.type === 'heartbeat' || m.type === 'snap' ? m.from : null;
        this.becomeFollower(m.term, leader);
      }
    } else if (m.term < this.term) {
      this.stepStale(m);
      return;
    }

    switch (m.type) {
      case 'vote':
        return this.handleVote(m);
      case 'voteResp':
        return this.handleVoteResp(m);
      case 'app':
        return this.handleAppend(m);
      case 'appResp':
        return this.handleAppendResp(m);
      case 'heartbeat':
        return this.handleHeartbeat(m);
      case 'heartbeatResp':
        return this.handleHeartbeatResp(m);
      case 'snap':
        return this.handleSnapshot(m);
      case 'snapResp':
        return this.handleSnapshotResp(m);
      case 'timeoutNow':
        return this.handleTimeoutNow();
      case 'readIndex':
        return this.handleReadIndexRequest(m);
      case 'readIndexResp':
        return this.handleReadIndexResp(m);
      case 'propose':
        return this.handleForwardedProposal(m);
    }
  }

  /** Proposes one command. See {@link ProposeResult}. */
  propose(data: Uint8Array): ProposeResult {
    return this.proposeBatch([data]);
  }

  /** Proposes several commands; they get consecutive indexes. Returns the first. */
  proposeBatch(datas: readonly Uint8Array[]): ProposeResult {
    return this.proposePayloads(datas.map((data) => ({ type: 'normal' as const, data })));
  }

  /**
   * Requests a linearizable read; the answer arrives in a later Ready as a ReadState (serve
   * it once the state machine has applied its index) or a ReadFailure. `ctx` must be unique.
   * In `lease` mode the leader answers from its lease without a heartbeat round; this
   * relies on bounded clock drift (see {@link RaftOptions.leaseDriftTicks}).
   */
  readIndex(ctx: string, mode: 'safe' | 'lease' = 'safe'): void {
    if (this.removed !== null) {
      this.readFailures.push({ ctx, reason: 'removed' });
      return;
    }
    if (this.role === 'leader') {
      this.leaderRead(ctx, this.id, mode === 'lease');
      return;
    }
    if (this.leaderId === null) {
      this.readFailures.push({ ctx, reason: 'no-leader' });
      return;
    }
    this.remoteReads.add(ctx);
    this.send<ReadIndexRequest>({ type: 'readIndex', from: this.id, to: this.leaderId, term: this.term, ctx });
  }

  /** Starts handing leadership to `to` (thesis §3.10). Proposals are refused meanwhile. */
  transferLeadership(to: NodeId): void {
    if (this.role !== 'leader') throw new NotLeaderError(this.leaderId);
    if (to === this.id) return;
    if (!isVoter(this.config(), to)) throw new InvalidConfigChangeError(`${to} is not a voter`);
    this.leadTransferee = to;
    // Reuse the election timer as the transfer deadline.
    this.electionElapsed = 0;
    const pr = this.progress.get(to)!;
    if (pr.match === this.log.lastIndex()) this.sendTimeoutNow(to);
    else this.sendAppend(to, pr);
  }

  /** Metadata for a state-machine snapshot at `index` (which must be applied). */
  snapshotMetaAt(index: number): SnapshotMeta {
    if (index > this.log.applied) throw new KernelUsageError(`index ${index} is not applied yet`);
    const term = this.log.termAt(index);
    if (term === undefined) throw new KernelUsageError(`index ${index} is not in the log`);
    return { index, term, config: this.configAt(index) };
  }

  /** The host durably stored a snapshot `meta`: drop the in-memory log it covers. */
  compact(meta: SnapshotMeta): void {
    this.log.compact(meta);
    this.trimConfigHistory(meta);
  }

  /**
   * Starts a membership change (Raft §6, thesis §4): learners are added directly; a voter
   * is added as a learner, caught up in rounds (§4.2.1) and then promoted through joint
   * consensus; voters are removed through joint consensus. One change at a time: throws
   * {@link ConfigChangeInProgressError} while another is in flight.
   */
  changeMembership(change: MembershipChange): void {
    if (this.role !== 'leader') throw new NotLeaderError(this.leaderId);
    if (this.leadTransferee !== null) throw new LeaderTransferInProgressError(this.leadTransferee);
    if (this.configChangeInFlight()) throw new ConfigChangeInProgressError();
    const c = this.config();
    validateChange(c, change);
    const op = (phase: MembershipPhase, configIndex: number): void => {
      this.membershipOp = { change, phase, round: 0, roundStartTick: this.now, roundTarget: 0, maxRounds: 10, configIndex, error: null };
      if (change.kind === 'add-voter' && change.maxRounds !== undefined) this.membershipOp.maxRounds = change.maxRounds;
      this.reportMembership();
    };
    switch (change.kind) {
      case 'add-learner':
        op('adding-learner', this.proposeConfig(withLearner(c, change.id)));
        return;
      case 'add-voter':
        if (c.learners.includes(change.id)) {
          op('catching-up', 0);
          this.startCatchUpRound();
        } else {
          op('adding-learner', this.proposeConfig(withLearner(c, change.id)));
        }
        return;
      case 'remove':
        if (c.learners.includes(change.id)) {
          op('removing-learner', this.proposeConfig(withoutLearner(c, change.id)));
        } else {
          const voters = c.voters.filter((v) => v !== change.id);
          op('joint', this.proposeConfig(enterJoint(c, voters, c.learners)));
        }
        return;
    }
  }

  // ───────────────────────────── outputs ─────────────────────────────

  hasReady(): boolean {
    if (this.outstanding) return false;
    return (
      this.needBroadcast ||
      this.readBatch.length > 0 ||
      this.msgs.length > 0 ||
      this.log.handedIndex < this.log.lastIndex() ||
      this.log.committed > this.log.applied ||
      this.readStates.length > 0 ||
      this.readFailures.length > 0 ||
      this.membershipEvents.length > 0 ||
      this.snapshotChunks.length > 0 ||
      this.pendingInstall !== null ||
      this.hardStateChanged() ||
      this.softStateChanged()
    );
  }

  /** Collects pending effects. The host must carry them out in the order documented on {@link Ready}. */
  ready(): Ready {
    if (this.outstanding) throw new KernelUsageError('ready() called before advance() of the previous Ready');
    if (this.needBroadcast) this.broadcastAppend();
    if (this.readBatch.length > 0) this.flushReadBatch();
    const entries = this.log.unhanded();
    const hardChanged = this.hardStateChanged();
    const softChanged = this.softStateChanged();
    const install = this.pendingInstall;
    // Everything up to lastIndex is durable or in this Ready (persisted before applying).
    const applyFrom = this.log.applied + 1;
    const committedEntries = this.log.committed >= applyFrom ? this.log.slice(applyFrom, this.log.committed + 1) : [];
    const rd: Ready = {
      softState: softChanged ? { role: this.role, leaderId: this.leaderId } : null,
      hardState: hardChanged ? { term: this.term, vote: this.vote, commit: this.log.committed } : null,
      entries,
      snapshotChunks: this.snapshotChunks,
      installSnapshot: install,
      messages: this.msgs,
      committedEntries,
      readStates: this.readStates,
      readFailures: this.readFailures,
      membershipEvents: this.membershipEvents,
    };
    if (entries.length > 0) this.log.handedIndex = entries[entries.length - 1]!.index;
    if (rd.softState) this.reportedSoft = rd.softState;
    this.msgs = [];
    this.readStates = [];
    this.readFailures = [];
    this.membershipEvents = [];
    this.snapshotChunks = [];
    this.pendingInstall = null;
    this.outstanding = rd;
    return rd;
  }

  /**
   * Removes and returns the heartbeats, heartbeat responses and commit-index notices (empty
   * AppendEntries) queued since the last Ready, for a host whose Ready loop is still busy (a
   * slow disk write, a snapshot being saved). They promise nothing about this server's log,
   * so they may leave ahead of the Ready — which keeps followers' election timers, and the
   * leader's quorum check, from firing only because one server's disk is slow, and lets
   * followers apply (and answer their clients) without waiting for the leader's next write.
   * Only messages of the term already durable here are taken: a reply in a term not yet on
   * disk waits for its Ready.
   */
  takeHeartbeats(): Message[] {
    const taken: Message[] = [];
    const kept: Message[] = [];
    for (const m of this.msgs) {
      const kind = m.type === 'heartbeat' || m.type === 'heartbeatResp' || (m.type === 'app' && m.entries.length === 0);
      const urgent = kind && m.term === this.persistedHard.term;
      (urgent ? taken : kept).push(m);
    }
    if (taken.length > 0) this.msgs = kept;
    return taken;
  }

  /**
   * Removes and returns committed entries the host may apply now, while its Ready loop is
   * still busy with a disk write: entries that are committed *and* already durable here, so
   * nothing about them waits on that write (thesis §10.2.1). Without this a leader would
   * answer a client only after the *next* batch's fsync. `appliedIndex` is the host's last
   * applied index: nothing is returned until the host has applied every committed entry
   * handed out before (so entries are applied in order, once), nor while a received
   * snapshot is about to replace the state machine.
   */
  takeCommitted(appliedIndex: number): Entry[] {
    const handed = Math.max(this.log.applied, this.outstanding?.committedEntries.at(-1)?.index ?? 0);
    if (appliedIndex < handed || this.pendingInstall !== null || this.outstanding?.installSnapshot) return [];
    const upTo = Math.min(this.log.committed, this.log.stableIndex);
    if (upTo <= handed) return [];
    const taken = this.log.slice(handed + 1, upTo + 1);
    this.log.applied = upTo;
    return taken;
  }

  /** Acknowledges that every effect of `rd` was carried out. */
  advance(rd: Ready): void {
    if (rd !== this.outstanding) throw new KernelUsageError('advance() called with a Ready that is not outstanding');
    this.outstanding = null;
    if (rd.hardState) this.persistedHard = rd.hardState;
    if (rd.entries.length > 0) {
      const last = rd.entries[rd.entries.length - 1]!;
      this.log.stableTo(last.index, last.term);
    }
    if (rd.committedEntries.length > 0) {
      this.log.applied = Math.max(this.log.applied, rd.committedEntries[rd.committedEntries.length - 1]!.index);
    }
    // The leader counts its own vote for an entry only once the entry is durable here.
    if (this.role === 'leader' && rd.entries.length > 0) this.maybeCommit();
  }

  // ───────────────────────────── queries ─────────────────────────────

  status(): RaftStatus {
    let progress: Record<NodeId, PeerProgress> | null = null;
    if (this.role === 'leader') {
      progress = {};
      for (const [id, pr] of this.progress) {
        progress[id] = {
          match: id === this.id ? this.log.stableIndex : pr.match,
          next: pr.next,
          state: pr.state,
          inflight: pr.inflightCount(),
          recentActive: id === this.id || pr.recentActive,
          ticksSinceContact: id === this.id ? 0 : this.now - pr.lastContactTick,
          learner: pr.learner,
        };
      }
    }
    return {
      id: this.id,
      role: this.role,
      term: this.term,
      vote: this.vote,
      leaderId: this.leaderId,
      commit: this.log.committed,
      applied: this.log.applied,
      firstIndex: this.log.firstIndex(),
      lastIndex: this.log.lastIndex(),
      snapshotIndex: this.log.snapshotIndex,
      snapshotTerm: this.log.snapshotTerm,
      config: this.config(),
      progress,
      leadTransferee: this.leadTransferee,
      membership: this.membershipStatus(),
      configChangeInProgress: this.configChangeInFlight(),
      removed: this.removed,
    };
  }

  termAt(index: number): number | undefined {
    return this.log.termAt(index);
  }

  /**
   * The index at which a committed configuration that leaves this server out is in force (a
   * member said so, or this server's own log holds it), or null while it is, as far as it
   * knows, a member. Cheaper than `status().removed`.
   */
  removedAt(): number | null {
    return this.removed?.configIndex ?? null;
  }

  entries(lo: number, hi: number): Entry[] {
    return this.log.slice(lo, hi);
  }

  // ───────────────────────────── roles ─────────────────────────────

  private becomeFollower(term: number, leader: NodeId | null): void {
    const wasLeader = this.role === 'leader';
    if (term !== this.term) {
      this.term = term;
      this.vote = null;
    }
    this.role = 'follower';
    this.setLeader(leader);
    this.resetElectionTimer();
    if (wasLeader) this.abandonLeadership();
  }

  private becomePreCandidate(): void {
    this.role = 'precandidate';
    this.setLeader(null);
    this.votes = new Map([[this.id, true]]);
    this.resetElectionTimer();
  }

  private becomeCandidate(): void {
    this.role = 'candidate';
    this.term++;
    this.vote = this.id;
    this.setLeader(null);
    this.votes = new Map([[this.id, true]]);
    this.resetElectionTimer();
  }

  private becomeLeader(): void {
    this.role = 'leader';
    this.setLeader(this.id);
    this.leadTransferee = null;
    this.heartbeatElapsed = 0;
    this.electionElapsed = 0;
    this.progress = new Map();
    this.rebuildProgress();
    // §5.4.2 / §8: a no-op in the new term lets the leader commit (and so learn the
    // commit index of) everything before it, and is what ReadIndex waits for.
    this.appendLocal([{ type: 'noop', data: NO_DATA }]);
  }

  private abandonLeadership(): void {
    for (const r of this.reads.drain()) this.failRead(r.ctx, r.requester, 'stepped-down');
    for (const r of this.readBatch) this.failRead(r.ctx, r.requester, 'stepped-down');
    this.readBatch = [];
    for (const r of this.readsAwaitingCommit) this.failRead(r.ctx, r.requester, 'stepped-down');
    this.readsAwaitingCommit = [];
    if (this.membershipOp && this.membershipOp.phase !== 'done' && this.membershipOp.phase !== 'failed') {
      this.finishMembership('failed', 'leadership lost; the configuration in the log shows how far it got');
    }
    this.membershipOp = null;
    this.progress = new Map();
    this.leadTransferee = null;
    this.needBroadcast = false;
    this.heartbeatSentTick.clear();
  }

  private setLeader(leader: NodeId | null): void {
    if (leader !== this.leaderId) {
      // Reads forwarded to a leader we no longer follow will never be answered.
      for (const ctx of this.remoteReads) this.readFailures.push({ ctx, reason: 'not-leader' });
      this.remoteReads.clear();
    }
    this.leaderId = leader;
  }

  // ───────────────────────────── elections ─────────────────────────────

  private tickElection(): void {
    this.electionElapsed++;
    if (this.electionElapsed >= this.randomizedElectionTimeout && this.promotable()) {
      this.campaign(this.opts.preVote ? 'pre' : 'real', false);
    }
  }

  /** Only a voter of the current configuration may become leader (learners and removed servers never campaign). */
  private promotable(): boolean {
    return this.removed === null && isVoter(this.config(), this.id);
  }

  private campaign(kind: 'pre' | 'real', transfer: boolean): void {
    if (kind === 'pre') this.becomePreCandidate();
    else this.becomeCandidate();
    const term = kind === 'pre' ? this.term + 1 : this.term;
    if (jointVote(this.config(), this.votes) === 'won') {
      // A single-voter configuration wins immediately.
      if (kind === 'pre') this.campaign('real', transfer);
      else this.becomeLeader();
      return;
    }
    const lastLogIndex = this.log.lastIndex();
    const lastLogTerm = this.log.lastTerm();
    for (const id of this.voterIds()) {
      if (id === this.id) continue;
      this.send<VoteRequest>({ type: 'vote', from: this.id, to: id, term, pre: kind === 'pre', lastLogIndex, lastLogTerm, transfer });
    }
  }

  private handleVote(m: VoteRequest): void {
    // Up-to-date check of §5.4.1; for real votes also one vote per term.
    const canVote =
      this.vote === m.from ||
      (this.vote === null && this.leaderId === null) ||
      (m.pre && m.term > this.term);
    const granted = canVote && this.log.isUpToDate(m.lastLogIndex, m.lastLogTerm);
    if (granted && !m.pre) {
      this.vote = m.from;
      this.electionElapsed = 0;
    }
    // A granted PreVote echoes the proposed term; refusals carry ours so the sender can catch up.
    this.send<VoteResponse>({
      type: 'voteResp',
      from: this.id,
      to: m.from,
      term: granted && m.pre ? m.term : this.term,
      pre: m.pre,
      granted,
    });
  }

  private handleVoteResp(m: VoteResponse): void {
    const expected = this.role === 'precandidate' ? m.pre : this.role === 'candidate' ? !m.pre : null;
    if (expected !== true) return;
    if (!this.votes.has(m.from)) this.votes.set(m.from, m.granted);
    const outcome = jointVote(this.config(), this.votes);
    if (outcome === 'won') {
      if (this.role === 'precandidate') this.campaign('real', false);
      else this.becomeLeader();
    } else if (outcome === 'lost') {
      this.becomeFollower(this.term, null);
    }
  }

  private handleTimeoutNow(): void {
    if (this.role === 'leader' || !this.promotable()) return;
    // Leadership transfer: skip PreVote and the lease check — the old leader asked for this.
    this.campaign('real', true);
  }

  /** Whether we heard from a live leader within the minimum election timeout. */
  /**
   * Whether to ignore a RequestVote because a leader is (or may be) alive. A restarted
   * server does not remember whether it recently heard from a leader, so for its first
   * election timeout it acts as if it had: otherwise a crash could make a voter grant the
   * vote a leader's lease relied on it withholding. (A brand-new server, term 0, cannot
   * have heard from any leader.)
   */
  private inLease(): boolean {
    if (!this.opts.checkQuorum) return false;
    if (this.restarted && this.now < this.opts.electionTicks) return true;
    return this.leaderId !== null && this.electionElapsed < this.opts.electionTicks;
  }

  /** A message from an older term. Answer the ones whose senders need to learn our term. */
  private stepStale(m: Message): void {
    if (m.type === 'app' || m.type === 'heartbeat' || m.type === 'snap') {
      // A deposed leader (e.g. healed from a partition) learns it is stale from this reply.
      this.send<AppendResponse>({ type: 'appResp', from: this.id, to: m.from, term: this.term, success: false, index: 0, hintIndex: 0, hintTerm: 0 });
    } else if (m.type === 'vote' && m.pre) {
      this.send<VoteResponse>({ type: 'voteResp', from: this.id, to: m.from, term: this.term, pre: true, granted: false });
    } else if (m.type === 'readIndex') {
      this.send<ReadIndexResponse>({ type: 'readIndexResp', from: this.id, to: m.from, term: this.term, ctx: m.ctx, index: -1 });
    }
  }

  private resetElectionTimer(): void {
    this.electionElapsed = 0;
    const t = this.opts.electionTicks;
    this.randomizedElectionTimeout = t + this.opts.random.nextInt(t);
  }

  // ───────────────────────────── leader ─────────────────────────────

  private tickLeader(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.opts.electionTicks) {
      this.electionElapsed = 0;
      if (this.opts.checkQuorum) {
        const active = isQuorumActive(this.config(), (id) => id === this.id || this.progress.get(id)?.recentActive === true);
        for (const pr of this.progress.values()) pr.recentActive = false;
        if (!active) {
          // CheckQuorum: we cannot reach a majority, so stop pretending to lead.
          this.becomeFollower(this.term, null);
          return;
        }
      }
      if (this.leadTransferee !== null) this.leadTransferee = null; // transfer timed out; resume
    }
    this.checkCatchUp();
    if (this.heartbeatElapsed >= this.opts.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      this.broadcastHeartbeat();
      this.retransmitSnapshots();
    }
  }

  private proposePayloads(payloads: readonly ProposalPayload[]): ProposeResult {
    if (this.removed !== null) throw new RemovedFromClusterError(this.removed.configIndex);
    if (this.role === 'leader') {
      if (this.leadTransferee !== null) throw new LeaderTransferInProgressError(this.leadTransferee);
      const first = this.appendLocal(payloads);
      return { index: first, term: this.term };
    }
    if (this.leaderId === null) throw new NoLeaderError();
    if (!this.opts.forwardProposals) throw new NotLeaderError(this.leaderId);
    this.send<ProposeForward>({ type: 'propose', from: this.id, to: this.leaderId, term: this.term, entries: payloads });
    return { forwarded: true };
  }

  private handleForwardedProposal(m: ProposeForward): void {
    // Dropped when we cannot take it; the forwarding host times out and retries with the same ids.
    if (this.role !== 'leader' || this.leadTransferee !== null) return;
    this.appendLocal(m.entries);
  }

  /** Appends new entries in the current term; replication happens when the Ready is built. */
  private appendLocal(payloads: readonly ProposalPayload[]): number {
    const first = this.log.lastIndex() + 1;
    let index = first;
    for (const p of payloads) {
      const e: Entry = { index, term: this.term, type: p.type, data: p.data };
      this.log.append(e);
      if (e.type === 'config') this.pushConfig(e);
      index++;
    }
    this.needBroadcast = true;
    // A lone voter commits as soon as the entries are durable (see advance()).
    return first;
  }

  private broadcastAppend(): void {
    this.needBroadcast = false;
    for (const [id, pr] of this.progress) {
      if (id === this.id) continue;
      this.sendAppend(id, pr);
      this.maybeSendCommit(id, pr);
    }
  }

  /** Sends the commit index to a follower that has not been told all it can apply. */
  private maybeSendCommit(to: NodeId, pr: Progress): void {
    if (Math.min(this.log.committed, pr.match) > pr.commitSent) this.sendCommit(to, pr);
  }

  /**
   * Tells an up-to-date follower the new commit index with an empty AppendEntries anchored
   * at its match index, which it is known to hold, so it is never rejected.
   */
  private sendCommit(to: NodeId, pr: Progress): void {
    if (pr.state !== 'replicate') return;
    const prevTerm = this.log.termAt(pr.match);
    if (prevTerm === undefined) return;
    const commit = this.log.committed;
    pr.commitSent = Math.min(commit, pr.match);
    this.send<AppendRequest>({ type: 'app', from: this.id, to, term: this.term, prevIndex: pr.match, prevTerm, entries: [], commit });
  }

  /** Sends as many AppendEntries as flow control allows (one in probe state). */
  private sendAppend(to: NodeId, pr: Progress, allowEmpty = false): void {
    let sentAny = false;
    while (pr.canSend()) {
      const prevIndex = pr.next - 1;
      const prevTerm = this.log.termAt(prevIndex);
      if (prevTerm === undefined) {
        this.startSnapshot(to, pr);
        return;
      }
      const maxCount = pr.state === 'probe' ? 1 : Number.POSITIVE_INFINITY;
      const entries = pr.next <= this.log.lastIndex() ? this.log.sliceBytes(pr.next, this.opts.maxMessageBytes, maxCount) : [];
      if (entries.length === 0 && (sentAny || (!allowEmpty && pr.state === 'replicate'))) return;
      const commit = this.log.committed;
      this.send<AppendRequest>({ type: 'app', from: this.id, to, term: this.term, prevIndex, prevTerm, entries, commit });
      const last = entries.length > 0 ? entries[entries.length - 1]!.index : prevIndex;
      pr.sentAppend(last, entries.length > 0);
      // The follower may apply up to min(commit, last) once this arrives (if it matches).
      pr.commitSent = Math.max(pr.commitSent, Math.min(commit, last));
      sentAny = true;
      if (pr.state === 'probe') return;
    }
  }

  private broadcastHeartbeat(): number {
    const seq = ++this.heartbeatSeq;
    this.heartbeatSentTick.set(seq, this.now);
    // Only recent rounds matter for the lease; bound the map.
    this.heartbeatSentTick.delete(seq - 1024);
    for (const [id, pr] of this.progress) {
      if (id === this.id) continue;
      // Only commit what the follower is known to hold, so it never commits a foreign entry.
      const commit = Math.min(pr.match, this.log.committed);
      pr.commitSent = Math.max(pr.commitSent, commit);
      this.send<HeartbeatRequest>({ type: 'heartbeat', from: this.id, to: id, term: this.term, commit, seq });
    }
    return seq;
  }

  private handleAppendResp(m: AppendResponse): void {
    if (this.role !== 'leader') return;
    const pr = this.progress.get(m.from);
    if (!pr) return;
    this.markContact(m.from, pr);
    if (m.success) {
      const moved = pr.acknowledge(m.index);
      if (pr.state === 'probe' && pr.match + 1 >= pr.next) pr.becomeReplicate();
      if (moved) this.maybeCommit();
      if (moved && this.membershipOp?.phase === 'catching-up' && this.membershipOp.change.id === m.from) this.checkCatchUp();
      if (m.from === this.leadTransferee && pr.match === this.log.lastIndex()) this.sendTimeoutNow(m.from);
      this.sendAppend(m.from, pr);
      this.maybeSendCommit(m.from, pr);
      return;
    }
    // Fast backtracking (§5.3 optimisation): jump to the last index where our logs can
    // agree, using the follower's hint, instead of stepping back one entry per round trip.
    const hint = m.hintTerm > 0 ? this.log.findConflictByTerm(m.hintIndex, m.hintTerm) : m.hintIndex;
    if (pr.rejected(m.index, hint)) this.sendAppend(m.from, pr, true);
  }

  private handleHeartbeatResp(m: HeartbeatResponse): void {
    if (this.role !== 'leader') return;
    const pr = this.progress.get(m.from);
    if (!pr) return;
    this.markContact(m.from, pr);
    if (m.seq > pr.ackedSeq) {
      pr.ackedSeq = m.seq;
      const sent = this.heartbeatSentTick.get(m.seq);
      if (sent !== undefined && sent > pr.lastAckedHeartbeatSentTick) pr.lastAckedHeartbeatSentTick = sent;
    }
    // A follower that is behind (or whose probe or whole window was lost) gets entries on
    // each heartbeat answer.
    if (pr.state === 'probe') pr.probeSent = false;
    if (pr.state === 'replicate' && pr.isInflightFull()) pr.freeOldestInflight();
    if (pr.match < this.log.lastIndex()) this.sendAppend(m.from, pr, true);
    this.releaseConfirmedReads();
  }

  private markContact(id: NodeId, pr: Progress): void {
    pr.recentActive = true;
    pr.lastContactTick = this.now;
    void id;
  }

  /** Figure 8: only an entry of the current term is committed by counting replicas. */
  private maybeCommit(): void {
    const idx = committedIndex(this.config(), (id) => this.matchOf(id));
    if (idx > this.log.committed && this.log.termAt(idx) === this.term) {
      const firstInTerm = this.log.termAt(this.log.committed) !== this.term;
      this.log.commitTo(idx);
      this.needBroadcast = true;
      // Followers hear of the new commit index now rather than with the next batch: a host
      // busy writing that batch sends these notices ahead of it (see takeHeartbeats).
      for (const [id, pr] of this.progress) if (id !== this.id) this.maybeSendCommit(id, pr);
      if (firstInTerm) this.serveReadsAwaitingCommit();
      this.onConfigCommitted();
    }
  }

  private matchOf(id: NodeId): number {
    if (id === this.id) return this.log.stableIndex;
    return this.progress.get(id)?.match ?? 0;
  }

  private rebuildProgress(): void {
    const config = this.config();
    const learners = new Set(config.learners);
    const next = this.log.lastIndex() + 1;
    const old = this.progress;
    this.progress = new Map();
    for (const id of allMembers(config)) {
      const existing = old.get(id);
      const learner = learners.has(id) && !isVoter(config, id);
      if (existing && existing.learner === learner) this.progress.set(id, existing);
      else {
        const pr = new Progress(existing?.next ?? next, learner, this.opts.maxInflightMessages);
        if (existing) pr.match = existing.match;
        // A new leader counts every peer as active until the first CheckQuorum window ends.
        pr.recentActive = true;
        pr.lastContactTick = this.now;
        this.progress.set(id, pr);
      }
    }
  }

  private sendTimeoutNow(to: NodeId): void {
    this.send({ type: 'timeoutNow', from: this.id, to, term: this.term });
  }

  // ───────────────────────────── snapshots (leader side) ─────────────────────────────

  private startSnapshot(to: NodeId, pr: Progress): void {
    const meta = this.opts.snapshots.current();
    if (!meta) throw new KernelUsageError(`follower ${to} needs compacted entries but no snapshot is available`);
    pr.becomeSnapshot({ meta, size: this.opts.snapshots.size(meta), ackedOffset: 0, lastSentTick: this.now });
    this.sendSnapshotChunk(to, pr);
  }

  private sendSnapshotChunk(to: NodeId, pr: Progress): void {
    const t = pr.snapshot!;
    const data = this.opts.snapshots.read(t.meta, t.ackedOffset, this.opts.maxSnapshotChunkBytes);
    const done = t.ackedOffset + data.length >= t.size;
    t.lastSentTick = this.now;
    this.send<SnapshotRequest>({ type: 'snap', from: this.id, to, term: this.term, meta: t.meta, offset: t.ackedOffset, data, done });
  }

  /** Lost chunks are resent after two heartbeat intervals without an answer. */
  private retransmitSnapshots(): void {
    for (const [id, pr] of this.progress) {
      const t = pr.snapshot;
      if (pr.state === 'snapshot' && t && this.now - t.lastSentTick >= 2 * this.opts.heartbeatTicks) {
        const current = this.opts.snapshots.current();
        if (current && current.index !== t.meta.index) {
          this.startSnapshot(id, pr); // a newer snapshot replaced the one being sent
        } else {
          this.sendSnapshotChunk(id, pr);
        }
      }
    }
  }

  private handleSnapshotResp(m: SnapshotResponse): void {
    if (this.role !== 'leader') return;
    const pr = this.progress.get(m.from);
    if (!pr) return;
    this.markContact(m.from, pr);
    const t = pr.snapshot;
    if (pr.state !== 'snapshot' || !t || t.meta.index !== m.meta.index || t.meta.term !== m.meta.term) return;
    if (m.done && !m.rejected) {
      pr.acknowledge(t.meta.index);
      pr.becomeProbe(t.meta.index + 1);
      this.maybeCommit();
      this.sendAppend(m.from, pr, true);
      return;
    }
    t.ackedOffset = m.rejected ? Math.min(m.nextOffset, t.size) : Math.max(t.ackedOffset, m.nextOffset);
    this.sendSnapshotChunk(m.from, pr);
  }

  // ───────────────────────────── follower ─────────────────────────────

  private acceptLeader(from: NodeId): void {
    if (this.role !== 'follower') this.becomeFollower(this.term, from);
    else if (this.leaderId !== from) this.setLeader(from);
    this.electionElapsed = 0;
  }

  private handleAppend(m: AppendRequest): void {
    this.acceptLeader(m.from);
    const log = this.log;
    if (m.prevIndex < log.committed) {
      // Everything up to our commit index already matches the leader's log.
      const skip = log.committed - m.prevIndex;
      if (skip < m.entries.length) {
        const rest = m.entries.slice(skip);
        this.appendAndCommit(rest, m.commit, log.committed + rest.length);
      }
      this.replyAppend(m.from, true, Math.max(log.committed, Math.min(m.prevIndex + m.entries.length, log.lastIndex())));
      return;
    }
    if (log.matches(m.prevIndex, m.prevTerm)) {
      const lastNew = m.prevIndex + m.entries.length;
      this.appendAndCommit(m.entries, m.commit, lastNew);
      this.replyAppend(m.from, true, lastNew);
      return;
    }
    // Reject with a hint: the last index at which our log could match the leader's.
    const hintIndex = Math.min(m.prevIndex, log.lastIndex());
    const conflict = log.findConflictByTerm(hintIndex, m.prevTerm);
    const hintTerm = log.termAt(conflict) ?? 0;
    this.send<AppendResponse>({ type: 'appResp', from: this.id, to: m.from, term: this.term, success: false, index: m.prevIndex, hintIndex: conflict, hintTerm });
  }

  private appendAndCommit(entries: readonly Entry[], leaderCommit: number, lastNew: number): void {
    if (entries.length > 0) {
      const oldLast = this.log.lastIndex();
      const truncatedAt = this.log.appendFromLeader(entries);
      if (truncatedAt > 0) this.rollbackConfigs(truncatedAt);
      // Only entries that were actually added carry configurations we have not seen.
      const firstNew = truncatedAt > 0 ? truncatedAt : oldLast + 1;
      for (const e of entries) if (e.type === 'config' && e.index >= firstNew) this.pushConfig(e);
    }
    this.log.commitTo(Math.min(leaderCommit, lastNew));
    this.noticeOwnRemoval();
  }

  private replyAppend(to: NodeId, success: boolean, index: number): void {
    this.send<AppendResponse>({ type: 'appResp', from: this.id, to, term: this.term, success, index, hintIndex: 0, hintTerm: 0 });
  }

  private handleHeartbeat(m: HeartbeatRequest): void {
    this.acceptLeader(m.from);
    this.log.commitTo(m.commit);
    this.noticeOwnRemoval();
    this.send<HeartbeatResponse>({ type: 'heartbeatResp', from: this.id, to: m.from, term: this.term, seq: m.seq });
  }

  /** InstallSnapshot receiver (§7): chunks in offset order, then install on `done`. */
  private handleSnapshot(m: SnapshotRequest): void {
    this.acceptLeader(m.from);
    const reply = (nextOffset: number, done: boolean, rejected: boolean): void =>
      this.send<SnapshotResponse>({ type: 'snapResp', from: this.id, to: m.from, term: this.term, meta: m.meta, nextOffset, done, rejected });

    if (m.meta.index <= this.log.committed) {
      // We already have everything it covers; tell the leader where we are instead.
      this.incomingSnapshot = null;
      reply(0, true, false);
      return;
    }
    const cur = this.incomingSnapshot;
    const same = cur !== null && cur.from === m.from && cur.meta.index === m.meta.index && cur.meta.term === m.meta.term;
    if (m.offset === 0 && !same) {
      // A new transfer (a new snapshot, or a new leader whose bytes may differ): start over.
      this.incomingSnapshot = { meta: m.meta, from: m.from, nextOffset: 0 };
    } else if (!same || m.offset !== cur!.nextOffset) {
      // Out of order, or for a transfer we are not in: tell the leader where to resume.
      reply(same ? cur!.nextOffset : 0, false, true);
      return;
    }
    const state = this.incomingSnapshot!;
    this.snapshotChunks.push({ meta: m.meta, offset: m.offset, data: m.data, done: m.done });
    state.nextOffset += m.data.length;
    if (m.done) {
      this.installSnapshot(m.meta);
      this.incomingSnapshot = null;
    }
    reply(state.nextOffset, m.done, false);
  }

  private installSnapshot(meta: SnapshotMeta): void {
    const keptSuffix = this.log.termAt(meta.index) === meta.term;
    this.log.restore(meta);
    this.pendingInstall = meta;
    // The configuration is the snapshot's, unless a kept suffix carries newer config entries.
    const suffixConfigs: Entry[] = [];
    if (keptSuffix) {
      for (const e of this.log.slice(meta.index + 1, this.log.lastIndex() + 1)) if (e.type === 'config') suffixConfigs.push(e);
    }
    this.configs = [meta.config];
    this.configIndexes = [meta.index];
    this.forgetRemovalIfReadded();
    for (const e of suffixConfigs) this.pushConfig(e);
  }

  // ───────────────────────────── reads ─────────────────────────────

  private leaderRead(ctx: string, requester: NodeId, lease: boolean): void {
    if (this.leadTransferee !== null) {
      this.failRead(ctx, requester, 'transferring');
      return;
    }
    if (this.log.termAt(this.log.committed) !== this.term) {
      // Until an entry of our term commits we do not know the latest commit index (§6.4).
      this.readsAwaitingCommit.push({ ctx, requester, lease });
      return;
    }
    const index = this.log.committed;
    if (this.singleVoter() || (lease && this.leaseValid())) {
      this.answerRead(ctx, requester, index);
      return;
    }
    this.readBatch.push({ ctx, index, requester });
  }

  /** One heartbeat round confirms every read that arrived since the previous round. */
  private flushReadBatch(): void {
    const seq = this.broadcastHeartbeat();
    // A literal, not `{ ...r, seq }`: adding a property after a spread is ~1 µs in Node 20.
    for (const r of this.readBatch) this.reads.add({ ctx: r.ctx, index: r.index, requester: r.requester, seq });
    this.readBatch = [];
  }

  private serveReadsAwaitingCommit(): void {
    const waiting = this.readsAwaitingCommit;
    this.readsAwaitingCommit = [];
    for (const r of waiting) this.leaderRead(r.ctx, r.requester, r.lease);
  }

  private releaseConfirmedReads(): void {
    if (this.reads.size() === 0) return;
    const confirmed = committedIndex(this.config(), (id) => (id === this.id ? this.heartbeatSeq : this.progress.get(id)?.ackedSeq ?? 0));
    for (const r of this.reads.confirm(confirmed)) this.answerRead(r.ctx, r.requester, r.index);
  }

  private answerRead(ctx: string, requester: NodeId, index: number): void {
    if (requester === this.id) this.readStates.push({ ctx, index });
    else this.send<ReadIndexResponse>({ type: 'readIndexResp', from: this.id, to: requester, term: this.term, ctx, index });
  }

  private failRead(ctx: string, requester: PendingRead['requester'], reason: ReadFailure['reason']): void {
    if (requester === this.id) this.readFailures.push({ ctx, reason });
    else this.send<ReadIndexResponse>({ type: 'readIndexResp', from: this.id, to: requester, term: this.term, ctx, index: -1 });
  }

  /**
   * The lease: voters do not grant votes for an election timeout after hearing from us, so
   * if a quorum acknowledged a heartbeat we sent at tick s, nobody else can lead before
   * s + electionTicks (minus a drift allowance) by their clocks.
   */
  private leaseValid(): boolean {
    if (!this.opts.checkQuorum) return false;
    const since = committedIndex(this.config(), (id) =>
      id === this.id ? this.now : this.progress.get(id)?.lastAckedHeartbeatSentTick ?? Number.NEGATIVE_INFINITY,
    );
    return this.now < since + this.opts.electionTicks - this.opts.leaseDriftTicks;
  }

  private handleReadIndexRequest(m: ReadIndexRequest): void {
    if (this.role !== 'leader') {
      this.send<ReadIndexResponse>({ type: 'readIndexResp', from: this.id, to: m.from, term: this.term, ctx: m.ctx, index: -1 });
      return;
    }
    this.leaderRead(m.ctx, m.from, false);
  }

  private handleReadIndexResp(m: ReadIndexResponse): void {
    if (!this.remoteReads.delete(m.ctx)) return;
    if (m.index < 0) this.readFailures.push({ ctx: m.ctx, reason: 'not-leader' });
    else this.readStates.push({ ctx: m.ctx, index: m.index });
  }

  // ───────────────────────────── membership ─────────────────────────────

  /** A change is in flight while an operation runs, a joint configuration is in force, or a configuration entry is uncommitted. */
  private configChangeInFlight(): boolean {
    const op = this.membershipOp;
    if (op && op.phase !== 'done' && op.phase !== 'failed') return true;
    return isJoint(this.config()) || this.latestConfigIndex() > this.log.committed;
  }

  private proposeConfig(c: ConfigState): number {
    return this.appendLocal([{ type: 'config', data: encodeConfig(c) }]);
  }

  /** Runs whenever the commit index advances on the leader. */
  private onConfigCommitted(): void {
    const c = this.config();
    const lastConfigIndex = this.latestConfigIndex();
    if (lastConfigIndex > this.log.committed) return;
    if (isJoint(c)) {
      // C(old,new) is committed: move to C(new) (also finishes a change a previous leader began).
      const index = this.proposeConfig(leaveJoint(c));
      if (this.membershipOp?.phase === 'joint') {
        this.membershipOp.phase = 'leaving-joint';
        this.membershipOp.configIndex = index;
        this.reportMembership();
      }
      return;
    }
    const op = this.membershipOp;
    if (op && this.log.committed >= op.configIndex) {
      if (op.phase === 'adding-learner') {
        if (op.change.kind === 'add-voter') {
          op.phase = 'catching-up';
          this.startCatchUpRound();
        } else {
          this.finishMembership('done', null);
        }
      } else if (op.phase === 'removing-learner' || op.phase === 'leaving-joint') {
        this.finishMembership('done', null);
      }
    }
    this.noticeRemovedServers(lastConfigIndex);
    if (!isVoter(c, this.id)) {
      // §6: a leader that is not part of C(new) steps down once C(new) is committed. Hand
      // over to the most up-to-date voter right away rather than waiting for a timeout.
      let best: NodeId | null = null;
      for (const v of c.voters) if (best === null || this.matchOf(v) > this.matchOf(best)) best = v;
      if (best !== null) this.sendTimeoutNow(best);
      this.becomeFollower(this.term, null);
      // Removed altogether (not demoted): we know first-hand, having committed it.
      this.noticeOwnRemoval();
    }
  }

  /**
   * Tells the servers the committed configuration at `index` removed that they were removed.
   * They stopped receiving anything when it was appended, usually before they could learn
   * it was committed — and one that received it is no voter of it, so it never campaigns
   * and is never told in answer to a vote request. Sent once per configuration per leader;
   * a lost notice is made good when the server next forwards a request.
   */
  private noticeRemovedServers(index: number): void {
    if (index <= this.removalNoticesSentFor) return;
    this.removalNoticesSentFor = index;
    const previous = this.configs.length > 1 ? this.configs[this.configs.length - 2]! : null;
    if (previous === null) return;
    const c = this.config();
    for (const id of allMembers(previous)) {
      if (id !== this.id && !isMember(c, id)) this.send<RemovedNotice>({ type: 'removed', from: this.id, to: id, term: this.term, configIndex: index });
    }
  }

  private startCatchUpRound(): void {
    const op = this.membershipOp!;
    op.round++;
    op.roundStartTick = this.now;
    op.roundTarget = this.log.lastIndex();
    this.reportMembership();
    const pr = this.progress.get(op.change.id);
    if (pr) this.sendAppend(op.change.id, pr, true);
  }

  /**
   * Thesis §4.2.1: each round replicates what the leader had when the round began. A round
   * shorter than an election timeout means the learner is close enough to promote without
   * hurting availability; otherwise start another round, up to `maxRounds`. A round that
   * drags on past several election timeouts counts as too slow.
   */
  private checkCatchUp(): void {
    const op = this.membershipOp;
    if (!op || op.phase !== 'catching-up') return;
    const pr = this.progress.get(op.change.id);
    const elapsed = this.now - op.roundStartTick;
    const caughtUp = pr !== undefined && pr.match >= op.roundTarget;
    if (caughtUp && elapsed < this.opts.electionTicks) {
      const c = this.config();
      op.phase = 'joint';
      op.configIndex = this.proposeConfig(enterJoint(c, [...c.voters, op.change.id], c.learners.filter((l) => l !== op.change.id)));
      this.reportMembership();
      return;
    }
    if (!caughtUp && elapsed < 4 * this.opts.electionTicks) return;
    if (op.round >= op.maxRounds) {
      this.finishMembership('failed', `${op.change.id} did not catch up within ${op.maxRounds} rounds`);
      return;
    }
    this.startCatchUpRound();
  }

  private finishMembership(phase: 'done' | 'failed', error: string | null): void {
    const op = this.membershipOp;
    if (!op) return;
    op.phase = phase;
    op.error = error;
    this.reportMembership();
  }

  private membershipStatus(): MembershipStatus | null {
    const op = this.membershipOp;
    return op ? { change: op.change, phase: op.phase, round: op.round, error: op.error } : null;
  }

  private reportMembership(): void {
    const s = this.membershipStatus();
    if (s) this.membershipEvents.push({ ...s, term: this.term });
  }

  // ───────────────────────────── configuration ─────────────────────────────

  /** The newest configuration in the log: in force as soon as it is appended (§6). */
  private config(): ConfigState {
    return this.configs[this.configs.length - 1]!;
  }

  private configAt(index: number): ConfigState {
    for (let k = this.configIndexes.length - 1; k >= 0; k--) if (this.configIndexes[k]! <= index) return this.configs[k]!;
    return this.configs[0]!;
  }

  private pushConfig(e: Entry): void {
    this.configs.push(decodeConfig(e.data));
    this.configIndexes.push(e.index);
    this.forgetRemovalIfReadded();
    if (this.role === 'leader') this.rebuildProgress();
  }

  private latestConfigIndex(): number {
    return this.configIndexes.at(-1) ?? 0;
  }

  /**
   * Whether `id` is certainly not a member: our newest configuration is committed, we are in
   * it and `id` is not. (A newer configuration we have not seen could add `id` again; the
   * receiver of the notice checks for that — see handleRemoved.)
   */
  private surelyOutside(id: NodeId): boolean {
    if (this.latestConfigIndex() > this.log.committed) return false;
    const c = this.config();
    return isMember(c, this.id) && !isMember(c, id);
  }

  /**
   * Believed only if the sender's configuration is at least as new as any we know: one that
   * is newer and committed and leaves us out means we were removed; if ours is newer, the
   * sender is behind (it may not have seen us added again).
   */
  private handleRemoved(m: RemovedNotice): void {
    if (m.configIndex < this.latestConfigIndex() || this.removed !== null) return;
    this.removed = { configIndex: m.configIndex };
    if (this.role !== 'follower' || this.leaderId !== null) this.becomeFollower(this.term, null);
  }

  /**
   * Our newest configuration is committed and leaves us out (not a fresh server's empty one):
   * we were removed, and know it first-hand — a restarted server that had received C(new),
   * say, and will never campaign (it is no voter) to be told.
   */
  private noticeOwnRemoval(): void {
    if (this.removed !== null) return;
    const index = this.latestConfigIndex();
    if (index > this.log.committed) return;
    const c = this.config();
    if (c.voters.length === 0 || isMember(c, this.id)) return;
    this.removed = { configIndex: index };
  }

  /** A configuration newer than the one that removed us, with us in it: we were added again. */
  private forgetRemovalIfReadded(): void {
    if (this.removed === null || this.latestConfigIndex() <= this.removed.configIndex) return;
    if (isMember(this.config(), this.id)) this.removed = null;
  }

  /** A truncated suffix may have carried configuration entries; fall back to the one before. */
  private rollbackConfigs(fromIndex: number): void {
    while (this.configIndexes.length > 1 && this.latestConfigIndex() >= fromIndex) {
      this.configIndexes.pop();
      this.configs.pop();
    }
  }

  private trimConfigHistory(meta: SnapshotMeta): void {
    let k = 0;
    while (k + 1 < this.configIndexes.length && this.configIndexes[k + 1]! <= meta.index) k++;
    this.configs = this.configs.slice(k);
    this.configIndexes = this.configIndexes.slice(k);
  }

  private voterIds(): NodeId[] {
    const c = this.config();
    return [...new Set([...c.voters, ...c.outgoing])];
  }

  private singleVoter(): boolean {
    const ids = this.voterIds();
    return ids.length === 1 && ids[0] === this.id;
  }

  // ───────────────────────────── plumbing ─────────────────────────────

  private send<M extends Message>(m: M): void {
    this.msgs.push(m);
  }

  private hardStateChanged(): boolean {
    const h = this.persistedHard;
    return h.term !== this.term || h.vote !== this.vote || h.commit !== this.log.committed;
  }

  private softStateChanged(): boolean {
    return this.reportedSoft.role !== this.role || this.reportedSoft.leaderId !== this.leaderId;
  }
}
