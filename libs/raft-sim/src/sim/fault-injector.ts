import type { NodeId } from '@raft/raft-core';
import type { NetworkConditions, SimNetwork } from '../network/sim-network';
import type { Prng } from '../prng';
import type { ChaosConfig } from './config';
import { CRASH_POINTS, type CrashPoint, type SimNode } from './sim-node';

/** What the fault injector may act on. */
export interface FaultTarget {
  readonly now: number;
  readonly nodes: readonly SimNode[];
  readonly network: SimNetwork;
  /** The running leader with the highest term, if any. */
  currentLeader(): SimNode | null;
  /** Crash `node` now (point null) or at a point inside its next Ready. */
  crash(node: SimNode, point: CrashPoint | null): void;
  restart(node: SimNode): void;
  note(kind: 'partition' | 'heal' | 'net', text: string): void;
}

/** The well-behaved network of a liveness window: no loss, bounded delay. */
export const CALM_NETWORK: NetworkConditions = { dropRate: 0, duplicateRate: 0, minDelay: 1, maxDelay: 2 };

/**
 * Decides, from its own seeded stream, when servers crash and restart and when the
 * network partitions and heals. Partitions are symmetric splits, asymmetric one-way cuts,
 * or the deposed-leader case: the leader cut off in a minority while clients keep using it.
 */
export class FaultInjector {
  private readonly restartAt = new Map<NodeId, number>();
  private healAt: number | null = null;
  /** A leader isolated in a minority; clients are steered to it while the partition lasts. */
  private isolatedLeader: NodeId | null = null;
  crashes = 0;
  partitions = 0;

  constructor(
    private readonly rng: Prng,
    private readonly chaos: ChaosConfig,
  ) {}

  /** A network for this seed, within the configured bounds. */
  chaoticNetwork(): NetworkConditions {
    const c = this.chaos;
    return {
      dropRate: this.rng.nextFloat() * c.maxDropRate,
      duplicateRate: this.rng.nextFloat() * c.maxDuplicateRate,
      minDelay: 1,
      maxDelay: this.rng.between(1, Math.max(1, c.maxDelay)),
    };
  }

  /** The server clients should favour right now (the isolated deposed leader), if any. */
  steeredTarget(): NodeId | null {
    return this.isolatedLeader;
  }

  /** One tick of chaos. */
  tick(t: FaultTarget): void {
    for (const node of t.nodes) {
      const at = this.restartAt.get(node.id);
      if (at !== undefined && at <= t.now && !node.up) {
        this.restartAt.delete(node.id);
        t.restart(node);
      }
    }
    if (this.healAt !== null && this.healAt <= t.now) this.heal(t);
    if (this.rng.chance(this.chaos.crashRate)) this.crashSomeone(t);
    if (this.healAt === null && this.rng.chance(this.chaos.partitionRate)) this.partition(t);
  }

  /** Ends all faults: heals the network, restarts every server, calms the network. */
  calm(t: FaultTarget): void {
    if (t.network.isPartitioned()) this.heal(t);
    this.healAt = null;
    for (const node of t.nodes) if (!node.up) t.restart(node);
    this.restartAt.clear();
    t.network.setConditions(CALM_NETWORK);
    t.note('net', 'calm: no loss, delay 1..2');
  }

  private crashSomeone(t: FaultTarget): void {
    const running = t.nodes.filter((n) => n.up && !n.isCrashArmed());
    // Keep a majority of servers around most of the time so the run makes progress.
    const down = t.nodes.length - running.length;
    if (running.length === 0 || down >= Math.floor(t.nodes.length / 2) + (this.rng.chance(0.1) ? 1 : 0)) return;
    const leader = t.currentLeader();
    const victim = leader && this.rng.chance(0.4) ? leader : this.rng.pick(running);
    const point = this.rng.chance(0.5) ? this.rng.pick(CRASH_POINTS) : null;
    this.crashes++;
    t.crash(victim, point);
    this.restartAt.set(victim.id, t.now + this.rng.between(this.chaos.downTicks[0], this.chaos.downTicks[1]));
  }

  private partition(t: FaultTarget): void {
    const ids = t.nodes.map((n) => n.id);
    const kind = this.rng.nextInt(3);
    const leader = t.currentLeader();
    if (kind === 0 && leader) {
      // Deposed leader: the leader plus fewer than half the others on the minority side.
      const others = this.rng.shuffled(ids.filter((id) => id !== leader.id));
      const companions = this.rng.nextInt(Math.floor((ids.length - 1) / 2));
      const minority = [leader.id, ...others.slice(0, companions)];
      t.network.partition([minority, others.slice(companions)]);
      this.isolatedLeader = leader.id;
      t.note('partition', `leader ${leader.id} isolated: [${minority.join(',')}] | [${others.slice(companions).join(',')}]`);
    } else if (kind === 1) {
      const cuts = this.rng.between(1, ids.length);
      const described: string[] = [];
      for (let k = 0; k < cuts; k++) {
        const [a, b] = this.rng.shuffled(ids);
        t.network.cutOneWay(a!, b!);
        described.push(`${a}>${b}`);
      }
      t.note('partition', `one-way cuts ${described.join(' ')}`);
    } else {
      const shuffled = this.rng.shuffled(ids);
      const split = this.rng.between(1, ids.length - 1);
      const groups = [shuffled.slice(0, split), shuffled.slice(split)];
      t.network.partition(groups);
      t.note('partition', `split [${groups[0]!.join(',')}] | [${groups[1]!.join(',')}]`);
    }
    this.partitions++;
    this.healAt = t.now + this.rng.between(this.chaos.partitionTicks[0], this.chaos.partitionTicks[1]);
  }

  private heal(t: FaultTarget): void {
    t.network.heal();
    this.healAt = null;
    this.isolatedLeader = null;
    t.note('heal', 'all links restored');
  }
}
