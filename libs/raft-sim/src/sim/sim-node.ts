import { RaftKernel, type ConfigState, type Entry, type Message, type NodeId, type RaftOptions, type Ready } from '@raft/raft-core';
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
    this.incarnation++;
  }

  /** Crashes now: the kernel, the state machine and any half-handled Ready are lost. */
  crash(): void {
    this.kernel = null;
    this.armedCrash = null;
  }

  /** Crashes at `point` while handling the next Ready. */
  armCrash(point: CrashPoint): void {
    this.armedCrash = point;
  }

  isCrashArmed(): boolean {
    return this.armedCrash !== null;
  }

  /** Runs the host loop until the kernel has nothing more to do (or the node crashes). */
  drive(): void {
    while (this.kernel && this.kernel.hasReady()) {
      const rd = this.kernel.ready();
      if (!this.handle(rd)) return;
      this.kernel.advance(rd);
      this.hooks.advanced(this);
      this.maybeSnapshot();
    }
  }

  /** Carries out one Ready in the mandatory order; returns false if the node crashed midway. */
  private handle(rd: Ready): boolean {
    if (this.crashAt('before-persist')) return false;
    this.persist(rd);
    if (rd.installSnapshot) {
      const snap = this.storage.installSnapshotSync(rd.installSnapshot);
      this.sm = KvStateMachine.restore(snap.data);
      if (this.sm.applied !== rd.installSnapshot.index) {
        throw new Error(`${this.id}: snapshot ${rd.installSnapshot.index} restored a state at ${this.sm.applied}`);
      }
      this.snapshotsInstalled++;
    }
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
    const meta = k.snapshotMetaAt(this.sm.applied);
    this.storage.storeSnapshotSync(meta, this.sm.snapshot());
    k.compact(meta);
    this.snapshotsTaken++;
  }
}
