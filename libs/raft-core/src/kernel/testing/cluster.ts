/**
 * A tiny in-process cluster for kernel unit and scenario tests: durable state is kept per
 * node exactly as a host would persist it, messages are queued and delivered explicitly,
 * and links can be cut. Deliberately simple and synchronous so tests read like the paper.
 */
import { RaftKernel } from '../raft';
import type { RandomSource, RaftOptions } from '../options';
import { xorshiftRandom } from '../random';
import type { SnapshotSource } from '../storage';
import type { MembershipEvent } from '../membership';
import type { ConfigState, Entry, HardState, Message, NodeId, ReadFailure, ReadState, SnapshotMeta } from '../types';

/** Deterministic randomness for tests. */
export const seededRandom = xorshiftRandom;

/** What one node has on "disk". */
export class TestDisk implements SnapshotSource {
  hard: HardState = { term: 0, vote: null, commit: 0 };
  entries: Entry[] = [];
  snapshot: { meta: SnapshotMeta; data: Uint8Array } | null = null;
  private partial: Uint8Array[] = [];

  current(): SnapshotMeta | null {
    return this.snapshot?.meta ?? null;
  }
  size(): number {
    return this.snapshot?.data.length ?? 0;
  }
  read(_meta: SnapshotMeta, offset: number, maxBytes: number): Uint8Array {
    return this.snapshot!.data.subarray(offset, offset + maxBytes);
  }
  writeChunk(offset: number, data: Uint8Array): void {
    if (offset === 0) this.partial = [];
    this.partial.push(data);
  }
  install(meta: SnapshotMeta): Uint8Array {
    const total = this.partial.reduce((n, c) => n + c.length, 0);
    const data = new Uint8Array(total);
    let o = 0;
    for (const c of this.partial) {
      data.set(c, o);
      o += c.length;
    }
    this.snapshot = { meta, data };
    const keep = this.entries.find((e) => e.index === meta.index)?.term === meta.term;
    this.entries = keep ? this.entries.filter((e) => e.index > meta.index) : [];
    return data;
  }
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = entries[0]!.index;
    this.entries = this.entries.filter((e) => e.index < first).concat(entries);
  }
}

const enc = new TextEncoder();
const dec = new TextDecoder();
export const cmd = (s: string): Uint8Array => enc.encode(s);
export const text = (d: Uint8Array): string => dec.decode(d);

export interface ClusterOptions {
  readonly ids: readonly NodeId[];
  readonly seed?: number;
  readonly electionTicks?: number;
  readonly heartbeatTicks?: number;
  readonly preVote?: boolean;
  readonly checkQuorum?: boolean;
  readonly forwardProposals?: boolean;
  readonly maxInflightMessages?: number;
  readonly maxSnapshotChunkBytes?: number;
  readonly config?: ConfigState;
  /** Nodes that start empty in join mode (no configuration) and wait to be added. */
  readonly joiners?: readonly NodeId[];
}

export class TestCluster {
  readonly nodes = new Map<NodeId, RaftKernel>();
  readonly disks = new Map<NodeId, TestDisk>();
  /** Commands applied by each node, in order (the replicated state machine: a list). */
  readonly applied = new Map<NodeId, string[]>();
  readonly readStates = new Map<NodeId, ReadState[]>();
  readonly readFailures = new Map<NodeId, ReadFailure[]>();
  readonly membershipEvents: MembershipEvent[] = [];
  /** Messages sent and not yet delivered. */
  queue: Message[] = [];
  /** Every message ever sent, in order (for assertions on traffic). */
  readonly sent: Message[] = [];
  private readonly cut = new Set<string>();
  private readonly down = new Set<NodeId>();
  private readonly random: RandomSource;

  constructor(readonly opts: ClusterOptions) {
    this.random = seededRandom(opts.seed ?? 1);
    for (const id of opts.ids) {
      this.disks.set(id, new TestDisk());
      this.start(id);
    }
  }

  node(id: NodeId): RaftKernel {
    return this.nodes.get(id)!;
  }

  private options(id: NodeId): RaftOptions {
    const o = this.opts;
    return {
      id,
      electionTicks: o.electionTicks ?? 10,
      heartbeatTicks: o.heartbeatTicks ?? 1,
      random: this.random,
      preVote: o.preVote ?? false,
      checkQuorum: o.checkQuorum ?? false,
      forwardProposals: o.forwardProposals ?? true,
      maxInflightMessages: o.maxInflightMessages ?? 64,
      maxSnapshotChunkBytes: o.maxSnapshotChunkBytes ?? 1 << 20,
      snapshots: this.disks.get(id)!,
    };
  }

  /** (Re)starts a node from its disk, as a host does after a crash. */
  start(id: NodeId): void {
    const disk = this.disks.get(id)!;
    const config = this.opts.joiners?.includes(id)
      ? { voters: [], learners: [], outgoing: [] }
      : (this.opts.config ?? { voters: [...this.opts.ids], learners: [], outgoing: [] });
    const kernel = new RaftKernel(this.options(id), {
      hardState: disk.hard,
      snapshot: disk.snapshot?.meta ?? null,
      entries: disk.entries,
      bootstrapConfig: config,
    });
    this.nodes.set(id, kernel);
    this.applied.set(id, disk.snapshot ? JSON.parse(text(disk.snapshot.data)) : []);
    this.readStates.set(id, []);
    this.readFailures.set(id, []);
    this.down.delete(id);
  }

  /** Replaces a node's disk contents and restarts it from them. */
  preload(id: NodeId, terms: readonly number[], hard: Partial<HardState> = {}): void {
    const disk = this.disks.get(id)!;
    disk.entries = terms.map((term, i) => ({ index: i + 1, term, type: 'normal' as const, data: cmd(`${id}@${i + 1}`) }));
    disk.hard = { term: Math.max(0, ...terms), vote: null, commit: 0, ...hard };
    this.start(id);
  }

  /** Terms of a node's log, index 1 onwards (from its durable disk). */
  diskTerms(id: NodeId): number[] {
    return this.disks.get(id)!.entries.map((e) => e.term);
  }

  /** Crash: the kernel and everything not persisted is gone. */
  crash(id: NodeId): void {
    this.down.add(id);
    this.queue = this.queue.filter((m) => m.to !== id && m.from !== id);
  }

  isolate(id: NodeId): void {
    for (const other of this.opts.ids) if (other !== id) this.cutLink(id, other);
  }

  cutLink(a: NodeId, b: NodeId): void {
    this.cut.add(`${a}>${b}`);
    this.cut.add(`${b}>${a}`);
  }

  heal(): void {
    this.cut.clear();
  }

  /** Runs every node's host loop once: persist, install, send, apply, serve reads. */
  flush(id?: NodeId): void {
    for (const [nid, k] of this.nodes) {
      if ((id && nid !== id) || this.down.has(nid)) continue;
      while (k.hasReady()) {
        const rd = k.ready();
        const disk = this.disks.get(nid)!;
        for (const c of rd.snapshotChunks) disk.writeChunk(c.offset, c.data);
        if (rd.hardState) disk.hard = rd.hardState;
        disk.append(rd.entries);
        if (rd.installSnapshot) this.applied.set(nid, JSON.parse(text(disk.install(rd.installSnapshot))));
        this.sent.push(...rd.messages);
        for (const m of rd.messages) if (!this.cut.has(`${m.from}>${m.to}`)) this.queue.push(m);
        const list = this.applied.get(nid)!;
        for (const e of rd.committedEntries) if (e.type === 'normal') list.push(text(e.data));
        this.readStates.get(nid)!.push(...rd.readStates);
        this.readFailures.get(nid)!.push(...rd.readFailures);
        this.membershipEvents.push(...rd.membershipEvents);
        k.advance(rd);
      }
    }
  }

  /** Delivers queued messages (optionally only those matching) once; returns how many. */
  deliver(filter: (m: Message) => boolean = () => true): number {
    const now = this.queue.filter(filter);
    this.queue = this.queue.filter((m) => !filter(m));
    for (const m of now) {
      if (this.down.has(m.to) || this.cut.has(`${m.from}>${m.to}`)) continue;
      this.nodes.get(m.to)?.step(m);
    }
    return now.length;
  }

  /** Flushes and delivers until no node has anything left to say. */
  stabilize(maxRounds = 1000): void {
    for (let i = 0; i < maxRounds; i++) {
      this.flush();
      if (this.deliver() === 0) {
        this.flush();
        if (this.queue.length === 0) return;
      }
    }
    throw new Error('cluster did not stabilize');
  }

  tick(id: NodeId, n = 1): void {
    for (let i = 0; i < n; i++) this.nodes.get(id)!.tick();
  }

  tickAll(n = 1): void {
    for (let i = 0; i < n; i++) for (const id of this.opts.ids) if (!this.down.has(id)) this.nodes.get(id)!.tick();
  }

  /** Makes `id` campaign by ticking it past its election timeout, then stabilizes. */
  elect(id: NodeId): void {
    const k = this.node(id);
    for (let i = 0; i < 100 && k.status().role !== 'leader'; i++) {
      k.tick();
      this.stabilize();
    }
    if (k.status().role !== 'leader') throw new Error(`${id} did not become leader`);
  }

  leader(): RaftKernel | undefined {
    const leaders = [...this.nodes.entries()].filter(([id, k]) => !this.down.has(id) && k.status().role === 'leader');
    const top = leaders.sort((a, b) => b[1].status().term - a[1].status().term)[0];
    return top?.[1];
  }

  /** Takes a snapshot of `id`'s state machine at its applied index and compacts its log. */
  snapshot(id: NodeId): SnapshotMeta {
    const k = this.node(id);
    const meta = k.snapshotMetaAt(k.status().applied);
    const disk = this.disks.get(id)!;
    disk.snapshot = { meta, data: cmd(JSON.stringify(this.applied.get(id))) };
    disk.entries = disk.entries.filter((e) => e.index > meta.index);
    k.compact(meta);
    return meta;
  }
}
