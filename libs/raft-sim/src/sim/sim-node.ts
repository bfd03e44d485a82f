import { RaftKernel, sendableBeforePersist, type ConfigState, type Entry, type Message, type NodeId, type RaftOptions, type Ready, type SnapshotMeta } from '@raft/raft-core';
import { KvStateMachine } from '../state-machine/kv-state-machine';
import type { PutCommand } from '../state-machine/kv-command';
import { MemoryStorage } from '../storage/memory-storage';

/** Where, inside the processing of one Ready, a crash strikes. */
export type CrashPoint = 'before-persist' | 'after-persist' | 'mid-send' | 'after-send' | 'mid-apply';

export const CRASH_POINTS: readonly CrashPoint[] = ['before-persist', 'after-persist', 'mid-send', 'after-send', 'mid-apply'];

/** What the simulator wants to hear from a node's host loop. */
export interface NodeHooks {
  /** Entries are about to be made durable; `prevTerm` is the stored term just before the first. */
  persisting(node: SimNode, prevTerm: number, entries: readonly Entry[]): void;
  send(node: SimNode, message: Message): void;
  /** `put` is the command if this entry changed the state machine, else null. */
  applied(node: SimNode, entry: Entry, put: PutCommand | null): void;
  /** A batch of committed entries has been applied (state is consistent at `sm.applied`). */
  appliedBatch(node: SimNode): void;
  /** The kernel answered a read: serve it once applied ≥ index. */
  readReady(node: SimNode, ctx: string, index: number): void;
  readFailed(node: SimNode, ctx: string): void;
  /** One Ready was fully handled and acknowledged (before any compaction). */
  advanced(node: SimNode): void;
  crashed(node: SimNode, point: CrashPoint): void;
}

/** Static per-node settings. */
export interface SimNodeSettings {
  readonly bootstrap: ConfigState;
  /** Take a state-machine snapshot once this many entries were applied since the last one. */
  readonly snapshotInterval: number;
  readonly options: (id: NodeId, storage: MemoryStorage) => RaftOptions;
  /** The server's durable storage (default: a fresh {@link MemoryStorage}). */
  readonly storage?: (id: NodeId) => MemoryStorage;
  /**
   * Ticks the next disk write stays in flight (drawn per write). Absent or 0: every Ready is
   * handled at once, as one step. Above 0 the node runs like the production host: leader
   * traffic and already-durable committed entries go ahead of the write, and while it is in
   * flight the kernel keeps taking input, sending heartbeats and commit notices and handing
   * out entries that became committed (`takeHeartbeats`, `takeCommitted`).
   */
  readonly writeDelay?: () => number;
}

/** A Ready whose disk write is still in flight. */
interface WriteInFlight {
  readonly rd: Ready;
  readonly dueAt: number;
}

/**
 * One simulated server: durable {@link MemoryStorage}, and — while up — a RaftKernel and a
 * KV state machine driven by the standard host loop. A crash discards everything volatile;
 * a restart rebuilds it from storage alone.
 */
export class SimNode {
  readonly storage: MemoryStorage;
  kernel: RaftKernel | null = null;
  sm = new KvStateMachine();
  private armedCrash: CrashPoint | null = null;
  private inFlight: WriteInFlight | null = null;
  /** Fixed ticks for this server's writes (scenarios), instead of `settings.writeDelay`. */
  writeDelayOverride: number | null = null;
  /** Highest log index known durable here (entries a write in flight replaces excluded). */
  private durableIndex = 0;
  /** Times this node was started (first start included). */
  incarnation = 0;
  snapshotsTaken = 0;
  snapshotsInstalled = 0;

  constructor(
    readonly id: NodeId,
    private readonly settings: SimNodeSettings,
    private readonly hooks: NodeHooks,
  ) {
    this.storage = settings.storage?.(id) ?? new MemoryStorage();
  }

  get up(): boolean {
    return this.kernel !== null;
  }

  /** Builds the kernel and state machine from what is durable. */
  start(): void {
    if (this.kernel) throw new Error(`${this.id} is already running`);
    const durable = this.storage.loadSync();
    const snap = this.storage.currentSnapshot();
    this.sm = snap ? KvStateMachine.restore(snap.data) : new KvStateMachine();
    this.kernel = new RaftKernel(this.settings.options(this.id, this.storage), { ...durable, bootstrapConfig: this.settings.bootstrap });
    this.armedCrash = null;
    this.inFlight = null;
    this.durableIndex = this.storage.lastIndex();
    this.incarnation++;
  }

  /** Crashes now: the kernel, the state machine and any half-handled Ready are lost. */
  crash(): void {
    this.kernel = null;
    this.armedCrash = null;
    // A write still in flight never reached the disk.
    this.inFlight = null;
  }

  /** Crashes at `point` while handling the next Ready. */
  armCrash(point: CrashPoint): void {
    this.armedCrash = point;
  }

  isCrashArmed(): boolean {
    return this.armedCrash !== null;
  }

  /** Whether a disk write is in flight. */
  get writing(): boolean {
    return this.inFlight !== null;
  }

  /**
   * Runs the host loop at virtual time `now` until the kernel has nothing more to do, the
   * node crashes, or a disk write is left in flight (see {@link SimNodeSettings.writeDelay}).
   */
  drive(now: number): void {
    if (this.inFlight) {
      this.whileWriting();
      if (now < this.inFlight.dueAt || !this.finishWrite(this.inFlight.rd)) return;
    }
    while (this.kernel && this.kernel.hasReady()) {
      const rd = this.kernel.ready();
      const touchesDisk = rd.entries.length > 0 || rd.hardState !== null || rd.snapshotChunks.length > 0 || rd.installSnapshot !== null;
      const delay = touchesDisk ? (this.writeDelayOverride ?? this.settings.writeDelay?.() ?? 0) : 0;
      if (delay === 0) {
        if (!this.handle(rd)) return;
        this.completed(rd);
        continue;
      }
      if (!this.startWrite(rd)) return;
      this.inFlight = { rd, dueAt: now + delay };
      this.whileWriting();
      return;
    }
  }

  private completed(rd: Ready): void {
    this.inFlight = null;
    this.kernel!.advance(rd);
    this.hooks.advanced(this);
    this.maybeSnapshot();
  }

  /** Carries out one Ready in the mandatory order; returns false if the node crashed midway. */
  private handle(rd: Ready): boolean {
    if (this.crashAt('before-persist')) return false;
    this.persist(rd);
    if (rd.installSnapshot) this.installSnapshot(rd.installSnapshot);
    if (this.crashAt('after-persist')) return false;
    const half = this.armedCrash === 'mid-send' ? rd.messages.length >> 1 : rd.messages.length;
    for (let k = 0; k < half; k++) this.hooks.send(this, rd.messages[k]!);
    if (this.crashAt('mid-send')) return false;
    for (let k = half; k < rd.messages.length; k++) this.hooks.send(this, rd.messages[k]!);
    if (this.crashAt('after-send')) return false;
    const applyCount = this.armedCrash === 'mid-apply' ? rd.committedEntries.length >> 1 : rd.committedEntries.length;
    for (let k = 0; k < applyCount; k++) {
      const e = rd.committedEntries[k]!;
      this.hooks.applied(this, e, this.sm.apply(e));
    }
    if (applyCount > 0) this.hooks.appliedBatch(this);
    if (this.crashAt('mid-apply')) return false;
    for (const r of rd.readStates) this.hooks.readReady(this, r.ctx, r.index);
    for (const f of rd.readFailures) this.hooks.readFailed(this, f.ctx);
    return true;
  }

  /**
   * The part of a Ready that may precede its disk write (Raft thesis §10.2.1, as the
   * production host does it): leader traffic leaves, and committed entries that an earlier
   * write already made durable are applied. Returns false if the node crashed.
   */
  private startWrite(rd: Ready): boolean {
    if (this.crashAt('before-persist')) return false;
    for (const m of rd.messages) if (sendableBeforePersist(m)) this.hooks.send(this, m);
    if (rd.entries.length > 0) this.durableIndex = Math.min(this.durableIndex, rd.entries[0]!.index - 1);
    if (rd.installSnapshot === null) this.apply(rd.committedEntries.filter((e) => e.index <= this.durableIndex), rd.committedEntries.length);
    return true;
  }

  /** Input arrived while a write is in flight: what the kernel lets go ahead of it goes. */
  private whileWriting(): void {
    const k = this.kernel;
    if (!k) return;
    for (const m of k.takeHeartbeats()) this.hooks.send(this, m);
    const entries = k.takeCommitted(this.sm.applied);
    this.apply(entries, entries.length);
  }

  /** The write landed: the rest of the Ready, in order. Returns false if the node crashed. */
  private finishWrite(rd: Ready): boolean {
    this.persist(rd);
    if (rd.entries.length > 0) this.durableIndex = rd.entries[rd.entries.length - 1]!.index;
    if (rd.installSnapshot) {
      this.installSnapshot(rd.installSnapshot);
      this.durableIndex = rd.installSnapshot.index;
    }
    if (this.crashAt('after-persist')) return false;
    const late = rd.messages.filter((m) => !sendableBeforePersist(m));
    const half = this.armedCrash === 'mid-send' ? late.length >> 1 : late.length;
    for (let k = 0; k < half; k++) this.hooks.send(this, late[k]!);
    if (this.crashAt('mid-send')) return false;
    for (let k = half; k < late.length; k++) this.hooks.send(this, late[k]!);
    if (this.crashAt('after-send')) return false;
    const rest = rd.committedEntries.filter((e) => e.index > this.sm.applied);
    this.apply(rest, this.armedCrash === 'mid-apply' ? rest.length >> 1 : rest.length);
    if (this.crashAt('mid-apply')) return false;
    for (const r of rd.readStates) this.hooks.readReady(this, r.ctx, r.index);
    for (const f of rd.readFailures) this.hooks.readFailed(this, f.ctx);
    this.completed(rd);
    return true;
  }

  /** Applies the first `count` of `entries` (a prefix, for crashes mid-apply). */
  private apply(entries: readonly Entry[], count: number): void {
    const n = Math.min(count, entries.length);
    for (let k = 0; k < n; k++) this.hooks.applied(this, entries[k]!, this.sm.apply(entries[k]!));
    if (n > 0) this.hooks.appliedBatch(this);
  }

  private installSnapshot(meta: SnapshotMeta): void {
    const snap = this.storage.installSnapshotSync(meta);
    this.sm = KvStateMachine.restore(snap.data);
    if (this.sm.applied !== meta.index) throw new Error(`${this.id}: snapshot ${meta.index} restored a state at ${this.sm.applied}`);
    this.snapshotsInstalled++;
  }

  private persist(rd: Ready): void {
    if (rd.entries.length > 0) {
      const snapIndex = this.storage.snapshotIndex();
      const kept = rd.entries[0]!.index <= snapIndex ? rd.entries.filter((e) => e.index > snapIndex) : rd.entries;
      if (kept.length > 0) this.hooks.persisting(this, this.storage.termAt(kept[0]!.index - 1) ?? -1, kept);
    }
    for (const c of rd.snapshotChunks) this.storage.writeSnapshotChunkSync(c);
    this.storage.saveSync(rd.hardState, rd.entries);
  }

  private crashAt(point: CrashPoint): boolean {
    if (this.armedCrash !== point) return false;
    this.crash();
    this.hooks.crashed(this, point);
    return true;
  }

  /** Periodic snapshot + compaction, so lagging followers need InstallSnapshot. */
  private maybeSnapshot(): void {
    const k = this.kernel;
    if (!k || this.sm.applied - this.storage.snapshotIndex() < this.settings.snapshotInterval) return;
    // As in the production host: a snapshot received while a write was in flight has already
    // replaced the kernel's log below our applied index; its install comes with the next Ready.
    if (k.status().snapshotIndex >= this.sm.applied) return;
    const meta = k.snapshotMetaAt(this.sm.applied);
    this.storage.storeSnapshotSync(meta, this.sm.snapshot());
    k.compact(meta);
    this.snapshotsTaken++;
  }
}
