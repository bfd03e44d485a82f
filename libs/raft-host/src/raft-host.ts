import {
  RaftKernel,
  RemovedFromClusterError,
  sendableBeforePersist,
  type Cancel,
  type CapturedState,
  type ConfigState,
  type Entry,
  type HardState,
  type MembershipChange,
  type Message,
  type RaftOptions,
  type RaftStatus,
  type RaftStorage,
  type Ready,
  type Scheduler,
  type SnapshotMeta,
} from '@raft/raft-core';
import { HostOptionsError, HostStoppedError, OutcomeUnknownError, ReadUnavailableError } from './errors';
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
  /**
   * …and once the entries applied since the last snapshot add up to at least this fraction
   * of its size in bytes (default 0.5; 0 = count entries only). Each snapshot rewrites the
   * whole state, so without this a large state would be rewritten for every few MB of log:
   * with 0.5, snapshot writes cost at most ~2 bytes per byte of log, at the price of
   * keeping (and replaying on restart) a log of up to half the state's size.
   */
  readonly snapshotLogRatio?: number;
  readonly observer?: HostObserver;
}

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
  /** Size of the newest snapshot, and the entry bytes applied since it was taken. */
  private lastSnapshotBytes = 0;
  private bytesSinceSnapshot = 0;
  /** Highest log index on our disk (written by completed saves, or recovered). */
  private durableIndex = 0;
  private looping = false;
  private kickScheduled = false;
  private stopped = false;
  private fatal: unknown = null;
  private ticker: Cancel | null = null;
  private readSeq = 0;
  /** The snapshot being written in the background, if any (settles, never rejects). */
  private snapshotting: Promise<void> | null = null;
  /** A durable snapshot whose log the kernel and storage still hold. */
  private compactTo: SnapshotMeta | null = null;
  /** Last hard state handed to storage (term and vote must be durable before replies). */
  private persistedHard: HardState = { term: 0, vote: null, commit: 0 };
  /** A commit-only hard-state change not yet written: it rides along with the next write. */
  private lazyHard: HardState | null = null;

  private constructor(private readonly opts: RaftHostOptions<R>) {
    const ratio = opts.snapshotLogRatio;
    if (ratio !== undefined && !(Number.isFinite(ratio) && ratio >= 0)) throw new HostOptionsError(`snapshotLogRatio must be a finite number ≥ 0, got ${ratio}`);
    if (!(Number.isInteger(opts.snapshotThreshold) && opts.snapshotThreshold >= 0)) throw new HostOptionsError(`snapshotThreshold must be an integer ≥ 0, got ${opts.snapshotThreshold}`);
  }

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
    this.lastSnapshotBytes = durable.snapshot ? storage.size(durable.snapshot) : 0;
    this.durableIndex = durable.entries.at(-1)?.index ?? durable.snapshot?.index ?? 0;
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
    this.applyIfBusy();
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
    if (consistency === 'serializable') {
      // Its state stopped changing when it was removed: stale without bound, not "possibly".
      const removedAt = this.kernel.removedAt();
      return removedAt === null ? Promise.resolve() : Promise.reject(new RemovedFromClusterError(removedAt));
    }
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

  /** The configuration index this server was removed at, or null (see `RaftKernel.removedAt`). */
  removedAt(): number | null {
    return this.kernel.removedAt();
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
    // Storage is usually closed next: let a background snapshot finish writing first.
    if (this.snapshotting !== null) await this.snapshotting;
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

  /**
   * While the loop waits on the disk, entries committed meanwhile (and already durable
   * here) are applied at once, so their clients do not also wait for the write in flight.
   */
  private applyIfBusy(): void {
    if (!this.looping) return;
    const entries = this.kernel.takeCommitted(this.appliedIndex);
    if (entries.length === 0) return;
    this.applyCommitted(entries, Number.POSITIVE_INFINITY);
    this.opts.observer?.onApply?.(entries.length, this.appliedIndex);
    this.reads.release(this.appliedIndex);
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
      while (!this.stopped && this.hasWork()) {
        // Between Readies only: the kernel's log must not shrink under an unfinished Ready.
        if (this.compactTo !== null) await this.compactLog(this.compactTo);
        if (this.stopped || !this.kernel.hasReady()) continue;
        const rd = this.kernel.ready();
        await this.handleReady(rd);
        this.kernel.advance(rd);
        this.maybeStartSnapshot();
      }
    } catch (e) {
      this.fail(e);
    } finally {
      this.looping = false;
    }
    if (!this.stopped && this.hasWork()) this.kick();
  }

  private hasWork(): boolean {
    return this.compactTo !== null || this.kernel.hasReady();
  }

  private async handleReady(rd: Ready): Promise<void> {
    const { storage, sender, stateMachine, observer } = this.opts;
    // Leader traffic may overlap our own disk write (Raft thesis §10.2.1): the leader's
    // own copy only counts toward commitment once durable, which the kernel tracks.
    const early = rd.messages.filter(sendableBeforePersist);
    if (early.length > 0) sender.send(early);

    // Committed entries already on our disk need not wait for this Ready's write (thesis
    // §10.2.1, as etcd does): applying them now overlaps the state machine, and the replies
    // to their clients, with the fsync. Not the indexes this write replaces, and nothing
    // when a snapshot is about to replace the state. The rest are applied once it returns.
    if (rd.installSnapshot === null) {
      const replaced = rd.entries.length > 0 ? rd.entries[0]!.index - 1 : Number.POSITIVE_INFINITY;
      this.applyCommitted(rd.committedEntries, Math.min(this.durableIndex, replaced));
    }

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
      const first = rd.entries[0];
      // A save that replaces a suffix makes those indexes non-durable until it returns.
      if (first !== undefined) this.durableIndex = Math.min(this.durableIndex, first.index - 1);
      await storage.save(hs, rd.entries);
      if (first !== undefined) this.durableIndex = rd.entries[rd.entries.length - 1]!.index;
      if (observer?.onPersist) {
        let bytes = 0;
        for (const e of rd.entries) bytes += e.data.length;
        observer.onPersist(this.opts.scheduler.now() - started, rd.entries.length, bytes);
      }
    }
    if (rd.installSnapshot) {
      // A local snapshot still being written is older than the received one and reads the
      // state about to be replaced: let it finish first, then forget its compaction.
      if (this.snapshotting !== null) await this.snapshotting;
      if (this.compactTo !== null && this.compactTo.index <= rd.installSnapshot.index) this.compactTo = null;
      await storage.installSnapshot(rd.installSnapshot);
      await stateMachine.restore(await storage.openSnapshot());
      this.appliedIndex = rd.installSnapshot.index;
      this.lastSnapshotIndex = rd.installSnapshot.index;
      this.lastSnapshotBytes = storage.size(rd.installSnapshot);
      this.bytesSinceSnapshot = 0;
      // Whatever log suffix survived is durable, but counting from the snapshot is enough.
      this.durableIndex = rd.installSnapshot.index;
    }
    // Votes and acknowledgements promise durability: only now may they leave.
    const late = early.length > 0 ? rd.messages.filter((m) => !sendableBeforePersist(m)) : rd.messages;
    if (late.length > 0) sender.send(late);

    this.applyCommitted(rd.committedEntries, Number.POSITIVE_INFINITY);
    if (rd.committedEntries.length > 0) observer?.onApply?.(rd.committedEntries.length, this.appliedIndex);
    if (rd.softState && observer?.onSoftState) observer.onSoftState(rd.softState.role, rd.softState.leaderId, this.kernel.status().term);

    for (const ev of rd.membershipEvents) observer?.onMembership?.(ev);
    for (const r of rd.readStates) this.reads.ready(r.ctx, r.index);
    for (const f of rd.readFailures) {
      const removedAt = f.reason === 'removed' ? this.kernel.removedAt() : null;
      this.reads.fail(f.ctx, removedAt !== null ? new RemovedFromClusterError(removedAt) : new ReadUnavailableError(f.reason));
    }
    this.reads.release(this.appliedIndex);
  }

  /** Applies committed entries up to `upTo` (in order, each once) and resolves their proposers. */
  private applyCommitted(entries: readonly Entry[], upTo: number): void {
    for (const e of entries) {
      if (e.index > upTo) return;
      if (e.index <= this.appliedIndex) continue;
      this.bytesSinceSnapshot += e.data.length;
      if (e.type === 'normal') {
        const { key, result } = this.opts.stateMachine.apply(e);
        if (key !== null) this.proposals.resolveKey(key, result);
      }
      this.appliedIndex = e.index;
    }
  }

  /**
   * Starts a snapshot once enough entries were applied since the last one. The state is
   * captured now, at the applied index, and written in the background: writing a large
   * state takes hundreds of milliseconds, and holding the Ready loop for that long stalls
   * every write (and, since all replicas reach the threshold together, the whole cluster).
   */
  private maybeStartSnapshot(): void {
    const threshold = this.opts.snapshotThreshold;
    if (this.snapshotting !== null || threshold <= 0 || this.appliedIndex - this.lastSnapshotIndex < threshold) return;
    if (this.bytesSinceSnapshot < this.lastSnapshotBytes * (this.opts.snapshotLogRatio ?? 0.5)) return;
    // A snapshot received from the leader while our loop was busy has already replaced the
    // kernel's log (its Ready, which installs it, comes next): our applied index is no longer
    // in that log, and a local snapshot of the state about to be replaced would be useless.
    if (this.kernel.status().snapshotIndex >= this.appliedIndex) return;
    const meta = this.kernel.snapshotMetaAt(this.appliedIndex);
    const captured = this.opts.stateMachine.captureSnapshot();
    this.lastSnapshotIndex = meta.index;
    this.bytesSinceSnapshot = 0;
    this.snapshotting = this.writeSnapshot(meta, captured).finally(() => {
      this.snapshotting = null;
    });
  }

  /** Writes a captured state durably, then has the loop drop the log it covers. Never rejects. */
  private async writeSnapshot(meta: SnapshotMeta, captured: CapturedState): Promise<void> {
    const started = this.opts.scheduler.now();
    try {
      const writer = await this.opts.storage.createSnapshot(meta);
      let bytes = 0;
      try {
        await captured.write({
          write: (chunk) => {
            bytes += chunk.length;
            return writer.write(chunk);
          },
          commit: () => writer.commit(),
          abort: () => writer.abort(),
        });
        await writer.commit();
        this.lastSnapshotBytes = bytes;
      } catch (e) {
        await writer.abort().catch(() => undefined);
        throw e;
      }
    } catch (e) {
      if (!this.stopped) this.fail(e);
      return;
    } finally {
      captured.release();
    }
    this.opts.observer?.onSnapshot?.(meta.index, this.opts.scheduler.now() - started);
    if (this.stopped) return;
    this.compactTo = meta;
    this.kick();
  }

  private async compactLog(meta: SnapshotMeta): Promise<void> {
    this.compactTo = null;
    this.kernel.compact(meta);
    await this.opts.storage.compact(meta.index);
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
