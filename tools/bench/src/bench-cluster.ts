import type { Message } from '@raft/raft-core';
import { BenchNode } from './bench-node';

/** Counts at the end of a run; exact, so the smoke test can assert them. */
export interface BenchCounts {
  readonly proposed: number;
  readonly committedOnLeader: number;
  /** User entries applied by each node. */
  readonly appliedPerNode: readonly number[];
  readonly messages: number;
}

export interface BenchRunOptions {
  readonly entries: number;
  readonly batch: number;
  readonly payloadBytes: number;
  /** Max entries proposed but not yet committed (keeps the pipeline full but bounded). */
  readonly window: number;
  /** Compact every node's log after this many applied entries. */
  readonly compactEvery: number;
}

/**
 * Three kernels in one process with a perfect in-memory network: messages are delivered
 * in rounds, synchronously, with no loss. Measures the kernel and the host loop only.
 */
export class BenchCluster {
  readonly nodes: BenchNode[];
  private queue: Message[] = [];
  messages = 0;
  private readonly byId = new Map<string, BenchNode>();

  constructor(size = 3) {
    const ids = Array.from({ length: size }, (_, k) => `n${k + 1}`);
    this.nodes = ids.map((id, k) => new BenchNode(id, ids, k + 1));
    for (const n of this.nodes) this.byId.set(n.id, n);
  }

  /** Elects n1 by ticking it past its election timeout. */
  electFirst(): BenchNode {
    const n1 = this.nodes[0]!;
    for (let i = 0; i < 100 && n1.kernel.status().role !== 'leader'; i++) {
      n1.kernel.tick();
      this.settle();
    }
    if (n1.kernel.status().role !== 'leader') throw new Error('n1 did not become leader');
    return n1;
  }

  /** Proposes `entries` user entries in batches and runs until every node applied them. */
  run(o: BenchRunOptions): BenchCounts {
    const leader = this.nodes.find((n) => n.kernel.status().role === 'leader') ?? this.electFirst();
    const payload = new Uint8Array(o.payloadBytes).fill(7);
    const batch: Uint8Array[] = new Array<Uint8Array>(o.batch).fill(payload);
    const base = this.nodes.map((n) => n.appliedUser);
    const target = base.map((b) => b + o.entries);
    let proposed = 0;
    let lastCompact = leader.applied;
    while (this.nodes.some((n, k) => n.appliedUser < target[k]!)) {
      while (proposed < o.entries && proposed - (leader.appliedUser - base[0]!) < o.window) {
        const n = Math.min(o.batch, o.entries - proposed);
        leader.kernel.proposeBatch(n === o.batch ? batch : batch.slice(0, n));
        proposed += n;
      }
      if (!this.round()) throw new Error(`cluster stalled at ${this.nodes.map((n) => n.appliedUser).join('/')}`);
      if (leader.applied - lastCompact >= o.compactEvery) {
        for (const n of this.nodes) n.compact();
        lastCompact = leader.applied;
      }
    }
    return {
      proposed,
      committedOnLeader: leader.appliedUser - base[0]!,
      appliedPerNode: this.nodes.map((n, k) => n.appliedUser - base[k]!),
      messages: this.messages,
    };
  }

  /** One round: every node runs its host loop, then every queued message is delivered. */
  private round(): boolean {
    const send = (m: Message): void => {
      this.queue.push(m);
    };
    for (const n of this.nodes) n.drive(send);
    const q = this.queue;
    if (q.length === 0) return false;
    this.queue = [];
    this.messages += q.length;
    for (const m of q) this.byId.get(m.to)!.kernel.step(m);
    return true;
  }

  private settle(): void {
    for (let i = 0; i < 100 && this.round(); i++);
  }
}
