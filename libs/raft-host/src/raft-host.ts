import {
  RaftKernel,
  type Cancel,
  type ConfigState,
  type HardState,
  type MembershipChange,
  type Message,
  type RaftOptions,
  type RaftStatus,
  type RaftStorage,
  type Ready,
  type Scheduler,
} from '@raft/raft-core';
import { HostStoppedError, OutcomeUnknownError, ReadUnavailableError } from './errors';
import type { HostObserver, MessageSender, ReplicatedStateMachine } from './state-machine';
import { ProposalWaiters, ReadWaiters } from './waiters';

/** How a read is made safe. */
export type ReadConsistency = 'linearizable' | 'lease' | 'serializable';

export interface RaftHostOptions<R> {
  /** Kernel options; the host supplies the snapshot source (its storage). */
  readonly kernel: Omit<RaftOptions, 'snapshots'>;
  readonly storage: RaftStorage;
  readonly sender: MessageSender;
  readonly stateMachine: ReplicatedStateMachine<R>;
  readonly scheduler: Scheduler;
  /** Real milliseconds per kernel tick. */
  readonly tickMs: number;
  /** Initial configuration of a fresh cluster; empty voters = join mode. */
  readonly bootstrapConfig: ConfigState;
  /** Take a snapshot once this many entries were applied since the last one (0 = never). */
  readonly snapshotThreshold: number;
  readonly observer?: HostObserver;
}

/** Leader-originated messages that do not promise anything about our own disk. */
const SENDABLE_BEFORE_PERSIST = new Set<Message['type']>(['app', 'heartbeat', 'snap']);

/**
 * Drives one {@link RaftKernel} with real (or virtual) time, durable storage, a transport
 * and a state machine. Inputs (ticks, peer messages, proposals, reads) go into the kernel
 * synchronously as they arrive; a single loop turns the kernel's Ready into effects in the
 * mandatory order — persist, install snapshot, send, apply, serve reads — then advances.
 * Inputs arriving while the loop awaits the disk are batched into the next Ready, which is
 * what gives group commit and AppendEntries batching under load.
 */
export class RaftHost<R> {
  private kernel!: RaftKernel;
  private readonly proposals = new ProposalWaiters<R>();
  private readonly reads = new ReadWaiters();
  private appliedIndex = 0;
  private lastSnapshotIndex = 0;
  private looping = false;
  private kickScheduled = false;
  private stopped = false;
  private fatal: unknown = null;
  private ticker: Cancel | null = null;
  private readSeq = 0;
  /** Last hard state handed to storage (term and vote must be durable before replies). */
  private persistedHard: HardState = { term: 0, vote: null, commit: 0 };
  /** A commit-only hard-state change not yet written: it rides along with the next write. */
  private lazyHard: HardState | null = null;

  private constructor(private readonly opts: RaftHostOptions<R>) {}

  /** Recovers durable state, restores the state machine and starts ticking. */
  static async start<R>(opts: RaftHostOptions<R>): Promise<RaftHost<R>> {
    const host = new RaftHost(opts);
    await host.recover();
    return host;
  }

  private async recover(): Promise<void> {
    const { storage, stateMachine } = this.opts;
    const durable = await storage.load();
    this.persistedHard = durable.hardState;
    await stateMachine.restore(durable.snapshot ? await storage.openSnapshot() : null);
    this.appliedIndex = durable.snapshot?.index ?? 0;
    this.lastSnapshotIndex = this.appliedIndex;
    this.kernel = new RaftKernel(
      { ...this.opts.kernel, snapshots: storage },
      { ...durable, bootstrapConfig: this.opts.bootstrapConfig },
    );
    this.ticker = this.opts.scheduler.scheduleRepeating(this.opts.tickMs, () => this.onTick());
    this.kick();
  }

  get id(): string {
    return this.opts.kernel.id;
  }

  /** Messages received from peers. */
  receive(messages: readonly Message[]): void {
    if (this.stopped) return;
    for (const m of messages) this.kernel.step(m);
    this.sendHeartbeatsIfBusy();
    this.kick();
  }

  /**
   * Proposes a command and resolves with its result once applied locally. `key` is how the
   * state machine identifies the command when applying it (its client/request ids). Rejects
   * with the kernel's typed errors (no leader, transfer in progress) at once, or with
   * {@link OutcomeUnknownError} when `timeoutMs` passes first.
   */
  propose(data: Uint8Array, key: string, timeoutMs: number): Promise<R> {
    if (this.stopped) return Promise.reject(new HostStoppedError(this.fatal ?? undefined));
    const pending = this.proposals.wait(key, timeoutMs, this.opts.scheduler, () => new OutcomeUnknownError());
    try {
      this.kernel.propose(data);
    } catch (e) {
      pending.reject(e);
    }
    this.kick();
    return pending.promise;
  }

  /**
   * Resolves when the local state machine may serve a read at the requested consistency:
   * linearizable (ReadIndex round), lease (leader lease, bounded clock drift assumed) or
   * serializable (local state, possibly stale).
   */
  read(consistency: ReadConsistency, timeoutMs: number): Promise<void> {
    if (this.stopped) return Promise.reject(new HostStoppedError(this.fatal ?? undefined));
    if (consistency === 'serializable') return Promise.resolve();
    const ctx = `${this.id}:${++this.readSeq}`;
    const promise = this.reads.wait(ctx, timeoutMs, this.opts.scheduler, () => new ReadUnavailableError('deadline exceeded'));
    this.kernel.readIndex(ctx, consistency === 'lease' ? 'lease' : 'safe');
    this.kick();
    return promise;
  }

  /** Starts a membership change on the leader (throws the kernel's typed errors). */
  changeMembership(change: MembershipChange): void {
    this.assertRunning();
    this.kernel.changeMembership(change);
    this.kick();
  }

  /** Starts a leadership transfer (throws the kernel's typed errors). */
  transferLeadership(to: string): void {
    this.assertRunning();
    this.kernel.transferLeadership(to);
    this.kick();
  }

  status(): RaftStatus & { readonly appliedIndex: number; readonly failed: boolean } {
    return { ...this.kernel.status(), appliedIndex: this.appliedIndex, failed: this.fatal !== null };
  }

  /** Index of the last entry applied to the local state machine. */
  applied(): number {
    return this.appliedIndex;
  }

  /** Stops ticking and processing; pending callers get {@link HostStoppedError}. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.ticker?.();
    // Pending proposals may already be in other servers' logs: their outcome is unknown.
    this.proposals.rejectAll(new OutcomeUnknownError());
    this.reads.rejectAll(new HostStoppedError());
    while (this.looping) await new Promise((r) => setImmediate(r));
  }

  private onTick(): void {
    if (this.stopped) return;
    this.kernel.tick();
    this.sendHeartbeatsIfBusy();
    this.kick();
  }

  /**
   * While the Ready loop waits on the disk (a slow sync, a snapshot being written), new
   * Readies cannot be taken, so heartbeats would wait too and a merely slow server would
   * look dead: followers would start elections, a leader would fail its quorum check.
   * Heartbeat traffic promises nothing about the log, so it goes out at once.
   */
  private sendHeartbeatsIfBusy(): void {
    if (!this.looping) return;
    const heartbeats = this.kernel.takeHeartbeats();
    if (heartbeats.length > 0) this.opts.sender.send(heartbeats);
  }

  private assertRunning(): void {
    if (this.stopped) throw new HostStoppedError(this.fatal ?? undefined);
  }

  /** Schedules the Ready loop after the current batch of synchronous inputs. */
  private kick(): void {
    if (this.looping || this.kickScheduled || this.stopped) return;
    this.kickScheduled = true;
    queueMicrotask(() => {
      this.kickScheduled = false;
      void this.loop();
    });
  }

  private async loop(): Promise<void> {
    if (this.looping) return;
    this.looping = true;
    try {
      while (!this.stopped && this.kernel.hasReady()) {
        const rd = this.kernel.ready();
        await this.handleReady(rd);
        this.kernel.advance(rd);
        await this.maybeSnapshot();
      }
    } catch (e) {
      this.fail(e);
    } finally {
      this.looping = false;
    }
    if (!this.stopped && this.kernel.hasReady()) this.kick();
  }

  private async handleReady(rd: Ready): Promise<void> {
    const { storage, sender, stateMachine, observer } = this.opts;
    // Leader traffic may overlap our own disk write (Raft thesis §10.2.1): the leader's
    // own copy only counts toward commitment once durable, which the kernel tracks.
    const early = rd.messages.filter((m) => SENDABLE_BEFORE_PERSIST.has(m.type));
    if (early.length > 0) sender.send(early);

    for (const chunk of rd.snapshotChunks) await storage.writeSnapshotChunk(chunk);
    // Term and vote must be durable before any reply; the commit index need not be (it is
    // re-learned from the leader and clamped to the log on recovery), so a commit-only
    // change is not worth an fdatasync of its own — it is written with the next batch.
    const hs = rd.hardState ?? this.lazyHard;
    const mustSync = rd.entries.length > 0 || (rd.hardState !== null && (rd.hardState.term !== this.persistedHard.term || rd.hardState.vote !== this.persistedHard.vote));
    if (!mustSync) {
      this.lazyHard = hs;
    } else {
      this.lazyHard = null;
      this.persistedHard = hs ?? this.persistedHard;
      const started = this.opts.scheduler.now();
      await storage.save(hs, rd.entries);
      if (observer?.onPersist) {
        let bytes = 0;
        for (const e of rd.entries) bytes += e.data.length;
        observer.onPersist(this.opts.scheduler.now() - started, rd.entries.length, bytes);
      }
    }
    if (rd.installSnapshot) {
      await storage.installSnapshot(rd.installSnapshot);
      await stateMachine.restore(await storage.openSnapshot());
      this.appliedIndex = rd.installSnapshot.index;
      this.lastSnapshotIndex = rd.installSnapshot.index;
    }
    // Votes and acknowledgements promise durability: only now may they leave.
    const late = early.length > 0 ? rd.messages.filter((m) => !SENDABLE_BEFORE_PERSIST.has(m.type)) : rd.messages;
    if (late.length > 0) sender.send(late);

    for (const e of rd.committedEntries) {
      if (e.index <= this.appliedIndex) continue;
      if (e.type === 'normal') {
        const { key, result } = stateMachine.apply(e);
        if (key !== null) this.proposals.resolveKey(key, result);
      }
      this.appliedIndex = e.index;
    }
    if (rd.committedEntries.length > 0) observer?.onApply?.(rd.committedEntries.length, this.appliedIndex);
    if (rd.softState && observer?.onSoftState) observer.onSoftState(rd.softState.role, rd.softState.leaderId, this.kernel.status().term);

    for (const ev of rd.membershipEvents) observer?.onMembership?.(ev);
    for (const r of rd.readStates) this.reads.ready(r.ctx, r.index);
    for (const f of rd.readFailures) this.reads.fail(f.ctx, new ReadUnavailableError(f.reason));
    this.reads.release(this.appliedIndex);
  }

  private async maybeSnapshot(): Promise<void> {
    const threshold = this.opts.snapshotThreshold;
    if (threshold <= 0 || this.appliedIndex - this.lastSnapshotIndex < threshold) return;
    const started = this.opts.scheduler.now();
    const meta = this.kernel.snapshotMetaAt(this.appliedIndex);
    const writer = await this.opts.storage.createSnapshot(meta);
    try {
      await this.opts.stateMachine.writeSnapshot(writer);
      await writer.commit();
    } catch (e) {
      await writer.abort().catch(() => undefined);
      throw e;
    }
    this.kernel.compact(meta);
    await this.opts.storage.compact(meta.index);
    this.lastSnapshotIndex = meta.index;
    this.opts.observer?.onSnapshot?.(meta.index, this.opts.scheduler.now() - started);
  }

  /** A storage (or state machine) failure: stop acknowledging anything, for good. */
  private fail(e: unknown): void {
    this.fatal = e;
    this.stopped = true;
    this.ticker?.();
    // Pending proposals may already be in other servers' logs: their outcome is unknown.
    this.proposals.rejectAll(new OutcomeUnknownError());
    this.reads.rejectAll(new HostStoppedError(e));
    this.opts.observer?.onFatal?.(e);
  }
}
