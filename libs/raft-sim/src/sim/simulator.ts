import type { Entry, Message, NodeId, RaftOptions } from '@raft/raft-core';
import { InvariantViolation } from '../invariants/invariant-violation';
import { LinearizabilityChecker } from '../invariants/linearizability';
import { checkLogMatching } from '../invariants/log-matching';
import { RaftInvariants } from '../invariants/raft-invariants';
import { SimNetwork } from '../network/sim-network';
import { Prng } from '../prng';
import type { PutCommand } from '../state-machine/kv-command';
import type { MemoryStorage } from '../storage/memory-storage';
import { ClientWorkload, type ClientTarget, type WorkloadStats } from './client-workload';
import { simulatorConfig, type SimulatorConfig } from './config';
import { SimulationFailure } from './errors';
import { FaultInjector, type FaultTarget } from './fault-injector';
import { MembershipNemesis } from './membership-nemesis';
import { SimNode, type CrashPoint, type NodeHooks } from './sim-node';
import { TraceRecorder, type TraceKind } from './trace';

/** Summary of a finished run. */
export interface SimResult {
  readonly seed: number;
  readonly nodes: number;
  readonly ticks: number;
  /** Digest of the whole event trace: equal for two runs of the same config. */
  readonly traceDigest: string;
  readonly events: number;
  readonly termsWithLeader: number;
  readonly committed: number;
  readonly messagesSent: number;
  readonly messagesDelivered: number;
  readonly crashes: number;
  readonly partitions: number;
  readonly snapshotsTaken: number;
  readonly snapshotsInstalled: number;
  readonly readsChecked: number;
  readonly workload: WorkloadStats;
}

/** Outcome of a liveness window. */
export interface LivenessReport {
  /**
   * Ticks from the start of the window until the put was sent: a leader known to every
   * server, and still the same one an election timeout later.
   */
  readonly electedAfter: number;
  /** Ticks from proposing until every server applied the proposal. */
  readonly committedAfter: number;
}

/** How a simulation is wired beyond its {@link SimulatorConfig}. */
export interface SimulatorWiring {
  /** Each server's durable storage (default: a fresh MemoryStorage per server). */
  readonly storage?: (id: NodeId) => MemoryStorage;
}

/**
 * A deterministic Raft cluster: N kernels under virtual time, a seeded faulty network,
 * crashes with restarts from durable storage, random clients, and safety checks after
 * every input. Everything random flows from `config.seed`, so a seed replays exactly.
 */
export class Simulator implements FaultTarget, ClientTarget {
  readonly config: SimulatorConfig;
  readonly network: SimNetwork;
  readonly nodes: SimNode[];
  readonly invariants = new RaftInvariants();
  readonly linearizability = new LinearizabilityChecker();
  readonly workload: ClientWorkload;
  readonly trace: TraceRecorder;
  private readonly faults: FaultInjector;
  /** Random membership changes (off unless `membershipRate` > 0). */
  readonly membership: MembershipNemesis;
  private readonly kernelRandom: Prng;
  now = 0;
  /** Inputs fed to kernels so far (the "step" reported on failure). */
  steps = 0;
  private eventTime = 0;
  private chaosOn = true;
  private messagesSent = 0;
  private messagesDelivered = 0;
  /** Length of the run in progress, for the replay hint of a failure. */
  private plannedTicks = 0;

  constructor(config: Partial<SimulatorConfig> & { seed: number }, wiring: SimulatorWiring = {}) {
    this.config = simulatorConfig(config);
    const root = new Prng(this.config.seed);
    const netRng = root.fork();
    this.faults = new FaultInjector(root.fork(), this.config.chaos);
    this.workload = new ClientWorkload(root.fork(), this.config.workload, this.linearizability);
    this.kernelRandom = root.fork();
    this.network = new SimNetwork(netRng, this.faults.chaoticNetwork());
    this.trace = new TraceRecorder(this.config.traceCapacity, this.config.recordFullTrace);
    const ids = Array.from({ length: this.config.nodes }, (_, k) => `n${k + 1}`);
    const spares = Array.from({ length: this.config.spareNodes }, (_, k) => `n${this.config.nodes + k + 1}`);
    const bootstrap = { voters: ids, learners: [], outgoing: [] };
    // Spares start empty in join mode: no configuration until a leader adds them.
    const joinMode = { voters: [], learners: [], outgoing: [] };
    const hooks = this.nodeHooks();
    // Forked only for slow disks, after every other fork, so other runs replay as before.
    const diskRandom = this.config.slowDisk > 0 ? root.fork() : null;
    const writeDelay = diskRandom ? () => diskRandom.nextInt(this.config.slowDisk + 1) : undefined;
    this.nodes = [...ids, ...spares].map(
      (id) =>
        new SimNode(
          id,
          { bootstrap: spares.includes(id) ? joinMode : bootstrap, snapshotInterval: this.config.snapshotInterval, options: (nid, storage) => this.kernelOptions(nid, storage), storage: wiring.storage, writeDelay },
          hooks,
        ),
    );
    const c = this.network.getConditions();
    this.note('net', `drop=${c.dropRate.toFixed(3)} dup=${c.duplicateRate.toFixed(3)} delay=${c.minDelay}..${c.maxDelay}`);
    for (const n of this.nodes) this.guard(() => n.start());
    // Forked last so runs without membership changes replay exactly as before.
    this.membership = new MembershipNemesis(root.fork(), this.config.membershipRate);
  }

  /** Runs `ticks` ticks of chaos; throws {@link SimulationFailure} on any violation. */
  run(ticks: number): SimResult {
    this.plannedTicks = ticks;
    for (let k = 0; k < ticks; k++) this.tick();
    this.guard(() => this.finalAudit());
    return this.result();
  }

  /**
   * Like {@link run}, but awaits `settle` after every tick. That is the one point where an
   * asynchronous storage finishes what the tick wrote (and recovers crashed servers from its
   * medium); virtual time stands still meanwhile and nothing the simulator does depends on
   * when the promise resolves, so a seed still replays exactly. A crashed server restarts at
   * the earliest one tick later, so it always restarts from a settled, recovered storage.
   */
  async runAsync(ticks: number, settle: (sim: Simulator) => Promise<void>): Promise<SimResult> {
    this.plannedTicks = ticks;
    for (let k = 0; k < ticks; k++) {
      this.tick();
      try {
        await settle(this);
      } catch (e) {
        this.fail(e);
      }
    }
    this.guard(() => this.finalAudit());
    return this.result();
  }

  /** Advances virtual time by one tick: faults, deliveries, timers, clients. */
  tick(): void {
    this.guard(() => {
      this.now++;
      if (this.chaosOn) this.faults.tick(this);
      if (this.chaosOn) this.membership.tick(this);
      for (const f of this.network.takeDue(this.now)) this.deliver(f.message);
      for (const node of this.nodes) {
        if (!node.up) continue;
        node.kernel!.tick();
        this.afterInput(node);
        // A crash armed for a Ready that never came this tick happens between Readies.
        if (node.up && node.isCrashArmed()) this.crash(node, null);
      }
      this.workload.tick(this, this.chaosOn ? this.faults.steeredTarget() : null);
    });
  }

  /**
   * Liveness window: ends every fault, then requires that a leader known to all servers
   * emerges, and keeps its place for an election timeout, within `electionWithin` ticks, and that a put sent to it is applied by a
   * majority (committed and acknowledged) — or, with `everywhere`, by every server — within
   * `commitWithin` further ticks. Chaos resumes afterwards.
   */
  checkLiveness(electionWithin: number, commitWithin: number, everywhere = false): LivenessReport {
    this.calm();
    const start = this.now;
    // A leader agreed by all that then holds for an election timeout: one agreed on just as
    // the window opens may still be a leader about to step down (CheckQuorum after a
    // partition that healed a moment ago), and a put sent to it can rightly be lost.
    let leader: SimNode | null = null;
    let agreedSince = this.now;
    let term = -1;
    for (;;) {
      const agreed = this.agreedLeader();
      const agreedTerm = agreed?.kernel?.status().term ?? -1;
      if (agreed !== leader || agreedTerm !== term) {
        leader = agreed;
        term = agreedTerm;
        agreedSince = this.now;
      }
      if (leader && this.now - agreedSince >= this.config.electionTicks) break;
      if (this.now - start >= electionWithin) break;
      this.tick();
    }
    if (!leader || this.now - agreedSince < this.config.electionTicks) {
      this.fail(new InvariantViolation('liveness', `no leader agreed by all (and kept for an election timeout) within ${electionWithin} ticks of a calm network`));
    }
    const electedAfter = this.now - start;
    const proposedAt = this.now;
    let opId = '';
    this.guard(() => (opId = this.workload.put(this, leader!)));
    const needed = everywhere ? this.nodes.length : Math.floor(this.nodes.length / 2) + 1;
    const done = (): boolean => !this.workload.isWritePending(opId) && this.nodes.filter((n) => n.up && n.sm.hasApplied(opId)).length >= needed;
    while (this.now - proposedAt < commitWithin && !done()) this.tick();
    if (!done()) {
      this.fail(new InvariantViolation('liveness', `put ${opId} sent to leader ${leader!.id} not acknowledged and applied by ${needed} servers within ${commitWithin} ticks`));
    }
    this.chaosOn = true;
    return { electedAfter, committedAfter: this.now - proposedAt };
  }

  /** Stops random faults: heals the network, restarts every server, makes delivery reliable. */
  calm(): void {
    this.chaosOn = false;
    this.guard(() => this.faults.calm(this));
  }

  /** Runs `ticks` ticks (with or without chaos, as currently set). */
  advance(ticks: number): void {
    for (let k = 0; k < ticks; k++) this.tick();
  }

  /** The node called `id`. */
  node(id: NodeId): SimNode {
    const n = this.nodes.find((x) => x.id === id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  /** The running leader with the highest term. */
  currentLeader(): SimNode | null {
    let best: SimNode | null = null;
    let bestTerm = -1;
    for (const n of this.nodes) {
      if (!n.kernel) continue;
      const s = n.kernel.status();
      if (s.role === 'leader' && s.term > bestTerm) {
        best = n;
        bestTerm = s.term;
      }
    }
    return best;
  }

  nextEventTime(): number {
    return ++this.eventTime;
  }

  // ───────────── FaultTarget ─────────────

  crash(node: SimNode, point: CrashPoint | null): void {
    if (point) {
      node.armCrash(point);
      this.note('crash', `${node.id} armed to crash ${point}`);
      return;
    }
    node.crash();
    this.onCrashed(node, 'now');
  }

  restart(node: SimNode): void {
    node.start();
    this.note('restart', `${node.id} restarted (incarnation ${node.incarnation}) from snapshot ${node.storage.snapshotIndex()} + log to ${node.storage.lastIndex()}`);
    this.afterInput(node);
  }

  note(kind: TraceKind, text: string): void {
    this.trace.record({ tick: this.now, kind, text });
  }

  // ───────────── per-input plumbing ─────────────

  afterInput(node: SimNode): void {
    this.steps++;
    node.drive(this.now);
    if (!node.kernel) return;
    if (this.invariants.observeRole(node.id, node.kernel)) {
      this.note('leader', `${node.id} leads term ${node.kernel.status().term}`);
    }
  }

  private deliver(m: Message): void {
    const node = this.nodes.find((n) => n.id === m.to);
    if (!node || !node.kernel) return;
    this.messagesDelivered++;
    this.trace.record({ tick: this.now, kind: 'deliver', message: m });
    node.kernel.step(m);
    this.afterInput(node);
  }

  private onCrashed(node: SimNode, point: string): void {
    this.note('crash', `${node.id} crashed (${point}); durable: hard=${JSON.stringify(node.storage.hardState())} last=${node.storage.lastIndex()}`);
    this.invariants.observeCrash(node.id);
    this.workload.onCrash(node);
  }

  private nodeHooks(): NodeHooks {
    return {
      persisting: (node: SimNode, prevTerm: number, entries: readonly Entry[]) => this.invariants.observeAppend(node.id, prevTerm, entries),
      send: (_node: SimNode, m: Message) => {
        this.messagesSent++;
        this.network.send(m, this.now);
      },
      applied: (node: SimNode, entry: Entry, put: PutCommand | null) => {
        const first = this.invariants.observeApply(node.id, entry);
        if (put && first) this.linearizability.writeApplied(put.id, put.key, put.value, entry.index);
        if (put) this.workload.onApplied(this, node, put);
      },
      appliedBatch: (node: SimNode) => {
        this.invariants.observeState(node.id, node.sm.applied, node.sm.fingerprint());
        this.workload.onAppliedBatch(this, node);
      },
      readReady: (node: SimNode, ctx: string, index: number) => this.workload.onReadReady(this, node, ctx, index),
      readFailed: (node: SimNode, ctx: string) => this.workload.onReadFailed(node, ctx),
      advanced: (node: SimNode) => this.invariants.observeCommit(node.id, node.kernel!),
      crashed: (node: SimNode, point: CrashPoint) => this.onCrashed(node, point),
    };
  }

  private kernelOptions(id: NodeId, storage: MemoryStorage): RaftOptions {
    return {
      id,
      electionTicks: this.config.electionTicks,
      heartbeatTicks: this.config.heartbeatTicks,
      random: this.kernelRandom.fork(),
      preVote: true,
      checkQuorum: true,
      forwardProposals: true,
      maxInflightMessages: this.config.maxInflightMessages,
      maxMessageBytes: 4096,
      maxSnapshotChunkBytes: this.config.maxSnapshotChunkBytes,
      snapshots: storage,
    };
  }

  /** A leader that every server (all running) recognises in the same term. */
  private agreedLeader(): SimNode | null {
    const leader = this.currentLeader();
    if (!leader) return null;
    const term = leader.kernel!.status().term;
    for (const n of this.nodes) {
      const s = n.kernel?.status();
      if (!s || s.term !== term || s.leaderId !== leader.id) return null;
    }
    return leader;
  }

  /** End-of-run audit: full pairwise Log Matching over every server's durable log. */
  private finalAudit(): void {
    const logs = new Map<NodeId, readonly Entry[]>();
    for (const n of this.nodes) logs.set(n.id, n.storage.entries(0, n.storage.lastIndex() + 1));
    checkLogMatching(logs);
  }

  private result(): SimResult {
    let committed = 0;
    for (const n of this.nodes) committed = Math.max(committed, n.storage.hardState().commit, n.sm.applied);
    return {
      seed: this.config.seed,
      nodes: this.config.nodes,
      ticks: this.now,
      traceDigest: this.trace.digest(),
      events: this.trace.size(),
      termsWithLeader: this.invariants.electionSafety.termsWithLeader(),
      committed,
      messagesSent: this.messagesSent,
      messagesDelivered: this.messagesDelivered,
      crashes: this.faults.crashes,
      partitions: this.faults.partitions,
      snapshotsTaken: this.nodes.reduce((s, n) => s + n.snapshotsTaken, 0),
      snapshotsInstalled: this.nodes.reduce((s, n) => s + n.snapshotsInstalled, 0),
      readsChecked: this.linearizability.checkedReads(),
      workload: { ...this.workload.stats },
    };
  }

  private guard(body: () => void): void {
    try {
      body();
    } catch (e) {
      if (e instanceof SimulationFailure) throw e;
      this.fail(e);
    }
  }

  private fail(cause: unknown): never {
    const flags = this.config.slowDisk > 0 ? `--slow-disk ${this.config.slowDisk}` : '';
    throw new SimulationFailure(this.config.seed, this.config.nodes, this.plannedTicks || this.now, this.now, this.steps, cause, this.trace.tail(), flags);
  }
}
