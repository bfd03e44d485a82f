import { RaftError, type NodeId } from '@raft/raft-core';
import type { LinearizabilityChecker } from '../invariants/linearizability';
import type { Prng } from '../prng';
import { encodePut, type PutCommand } from '../state-machine/kv-command';
import type { WorkloadConfig } from './config';
import type { SimNode } from './sim-node';

/** What the workload needs from the simulator. */
export interface ClientTarget {
  readonly now: number;
  readonly nodes: readonly SimNode[];
  /** Next logical event time (orders acks, read issues and completions). */
  nextEventTime(): number;
  /** Runs the node's host loop and checks after an input was fed to it. */
  afterInput(node: SimNode): void;
}

interface PendingWrite {
  readonly node: NodeId;
  readonly deadline: number;
}

interface PendingRead {
  readonly node: NodeId;
  readonly key: string;
  readonly deadline: number;
  /** Read index granted by the kernel; null while waiting for it. */
  index: number | null;
}

/** Counters for the run summary. */
export interface WorkloadStats {
  writesIssued: number;
  writesRejected: number;
  writesAcked: number;
  readsIssued: number;
  readsServed: number;
  readsFailed: number;
  timeouts: number;
}

/**
 * Random clients: puts and ReadIndex reads sent to random servers (leader or not). A put
 * is acknowledged when the server it was sent to applies it; a read is served from that
 * server's state machine once it has applied the granted read index. Every outcome is
 * reported to the linearizability checker.
 */
export class ClientWorkload {
  private readonly writes = new Map<string, PendingWrite>();
  private readonly reads = new Map<string, PendingRead>();
  private nextOp = 0;
  readonly stats: WorkloadStats = {
    writesIssued: 0,
    writesRejected: 0,
    writesAcked: 0,
    readsIssued: 0,
    readsServed: 0,
    readsFailed: 0,
    timeouts: 0,
  };

  constructor(
    private readonly rng: Prng,
    private readonly config: WorkloadConfig,
    private readonly checker: LinearizabilityChecker,
  ) {}

  /** Maybe issues a put and/or a read this tick. `steered` is favoured when set. */
  tick(t: ClientTarget, steered: NodeId | null): void {
    if (this.rng.chance(this.config.putRate)) {
      const node = this.chooseNode(t, steered);
      if (node) this.put(t, node);
    }
    if (this.rng.chance(this.config.readRate)) {
      const node = this.chooseNode(t, steered);
      if (node) this.read(t, node, this.config.leaseReads && this.rng.chance(0.5) ? 'lease' : 'safe');
    }
    this.expire(t.now);
  }

  /** Sends a put to `node`; returns its op id. */
  put(t: ClientTarget, node: SimNode, key = `k${this.rng.nextInt(this.config.keys)}`): string {
    const id = `w${++this.nextOp}`;
    const cmd: PutCommand = { id, key, value: id };
    this.stats.writesIssued++;
    this.checker.writeIssued(id, key, id, t.nextEventTime());
    try {
      node.kernel!.propose(encodePut(cmd));
      this.writes.set(id, { node: node.id, deadline: t.now + this.config.timeoutTicks });
    } catch (e) {
      if (!(e instanceof RaftError)) throw e;
      this.stats.writesRejected++;
    }
    t.afterInput(node);
    return id;
  }

  /** Sends a read of a random key to `node`. */
  read(t: ClientTarget, node: SimNode, mode: 'safe' | 'lease'): string {
    const ctx = `r${++this.nextOp}`;
    const key = `k${this.rng.nextInt(this.config.keys)}`;
    this.stats.readsIssued++;
    this.checker.readIssued(ctx, key, t.nextEventTime());
    this.reads.set(ctx, { node: node.id, key, deadline: t.now + this.config.timeoutTicks, index: null });
    node.kernel!.readIndex(ctx, mode);
    t.afterInput(node);
    return ctx;
  }

  /** Whether a put is still waiting for its acknowledgement. */
  isWritePending(opId: string): boolean {
    return this.writes.has(opId);
  }

  /** `node` applied `put` (first application there). */
  onApplied(t: ClientTarget, node: SimNode, put: PutCommand): void {
    const w = this.writes.get(put.id);
    if (!w || w.node !== node.id) return;
    this.writes.delete(put.id);
    this.stats.writesAcked++;
    this.checker.writeAcked(put.id, t.nextEventTime());
  }

  onReadReady(t: ClientTarget, node: SimNode, ctx: string, index: number): void {
    const r = this.reads.get(ctx);
    if (!r || r.node !== node.id) return;
    r.index = index;
    if (node.sm.applied >= index) this.serve(t, node, ctx, r);
  }

  /** Serves reads on `node` whose index is now applied. */
  onAppliedBatch(t: ClientTarget, node: SimNode): void {
    for (const [ctx, r] of this.reads) {
      if (r.node === node.id && r.index !== null && node.sm.applied >= r.index) this.serve(t, node, ctx, r);
    }
  }

  onReadFailed(node: SimNode, ctx: string): void {
    const r = this.reads.get(ctx);
    if (!r || r.node !== node.id) return;
    this.reads.delete(ctx);
    this.stats.readsFailed++;
    this.checker.readAbandoned(ctx);
  }

  /** A crashed server answers nothing it was asked. */
  onCrash(node: SimNode): void {
    for (const [id, w] of this.writes) if (w.node === node.id) this.writes.delete(id);
    for (const [ctx, r] of this.reads) {
      if (r.node === node.id) {
        this.reads.delete(ctx);
        this.checker.readAbandoned(ctx);
      }
    }
  }

  private serve(t: ClientTarget, node: SimNode, ctx: string, r: PendingRead): void {
    this.reads.delete(ctx);
    this.stats.readsServed++;
    this.checker.readCompleted(ctx, node.sm.get(r.key), node.sm.applied, t.nextEventTime());
  }

  private expire(now: number): void {
    for (const [id, w] of this.writes) {
      if (w.deadline <= now) {
        this.writes.delete(id);
        this.stats.timeouts++;
      }
    }
    for (const [ctx, r] of this.reads) {
      if (r.deadline <= now) {
        this.reads.delete(ctx);
        this.stats.timeouts++;
        this.checker.readAbandoned(ctx);
      }
    }
  }

  private chooseNode(t: ClientTarget, steered: NodeId | null): SimNode | null {
    if (steered && this.rng.chance(0.5)) {
      const s = t.nodes.find((n) => n.id === steered && n.up);
      if (s) return s;
    }
    const up = t.nodes.filter((n) => n.up);
    return up.length > 0 ? this.rng.pick(up) : null;
  }
}
