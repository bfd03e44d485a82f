import { sleep, type ChaosTarget, type FaultKind } from './target';

export interface FaultRecord {
  readonly kind: FaultKind;
  detail: string;
  readonly start: number;
  end: number;
  /** For faults that hit the leader: ms until another leader was in charge. */
  failoverMs: number | null;
}

/**
 * Injects one fault at a time on a seeded schedule: kill -9 (then restart), pause
 * (SIGSTOP, then SIGCONT), partitions (minority cut off, the leader isolated, or a one-way
 * cut) and membership changes (remove a member, add it back empty). Every fault is healed
 * before the next; `healAll` leaves everything running and connected.
 */
export class Nemesis {
  readonly faults: FaultRecord[] = [];
  private stopped = false;
  private readonly killed = new Set<string>();
  private readonly paused = new Set<string>();

  constructor(
    private readonly target: ChaosTarget,
    private readonly kinds: readonly FaultKind[],
    private readonly random: () => number,
    private readonly clock: () => number,
    private readonly log: (s: string) => void,
    /** Always fault the leader (and isolate it symmetrically): provokes stale reads reliably. */
    private readonly leaderOnly = false,
  ) {}

  private between(lo: number, hi: number): number {
    return lo + this.random() * (hi - lo);
  }

  async run(): Promise<void> {
    const kinds = this.kinds.filter((k) => this.target.supportedFaults.includes(k));
    for (const k of this.kinds) if (!kinds.includes(k)) this.log(`nemesis: ${k} is not supported on ${this.target.name}; skipped`);
    if (kinds.length === 0) return;
    await sleep(this.between(1000, 2000));
    while (!this.stopped) {
      const kind = kinds[Math.floor(this.random() * kinds.length)] as FaultKind;
      await this.inject(kind);
      if (!this.stopped) await sleep(this.between(800, 2000));
    }
  }

  private async victim(): Promise<{ node: string; wasLeader: boolean; leader: string | null }> {
    const leader = await this.target.leader();
    const ids = this.target.nodeIds;
    const node = leader && (this.leaderOnly || this.random() < 0.5) ? leader : (ids[Math.floor(this.random() * ids.length)] as string);
    return { node, wasLeader: node === leader, leader };
  }

  /**
   * Polls for a new leader every 50 ms (up to 10 s), without waiting for the previous poll:
   * one that asks a paused or partitioned node takes its 500 ms timeout, and waiting for it
   * would round the failover time up to the next such timeout.
   */
  private async measureFailover(old: string, rec: FaultRecord): Promise<void> {
    const t0 = this.clock();
    let found = false;
    while (!found && this.clock() - t0 < 10_000 && !this.stopped) {
      void this.target.leader().then((now) => {
        if (found || !now || now === old) return;
        found = true;
        rec.failoverMs = this.clock() - t0;
      });
      await sleep(50);
    }
    // Polls still in flight must not record a failover after the fault's record was logged.
    found = true;
  }

  private async inject(kind: FaultKind): Promise<void> {
    const hold = this.between(1500, 3500);
    const { node, wasLeader, leader } = await this.victim();
    const rec: FaultRecord = { kind, detail: '', start: this.clock(), end: 0, failoverMs: null };
    this.faults.push(rec);
    switch (kind) {
      case 'kill': {
        rec.detail = `kill -9 ${node}${wasLeader ? ' (leader)' : ''}`;
        this.target.kill(node);
        this.killed.add(node);
        if (wasLeader) await this.measureFailover(node, rec);
        await sleep(Math.max(0, hold - (this.clock() - rec.start)));
        this.target.restart(node);
        this.killed.delete(node);
        break;
      }
      case 'pause': {
        rec.detail = `pause ${node}${wasLeader ? ' (leader)' : ''}`;
        this.target.pause(node);
        this.paused.add(node);
        if (wasLeader) await this.measureFailover(node, rec);
        await sleep(Math.max(0, hold - (this.clock() - rec.start)));
        this.target.resume(node);
        this.paused.delete(node);
        break;
      }
      case 'partition': {
        const ids = [...this.target.nodeIds];
        const size = Math.max(1, Math.floor((ids.length - 1) / 2));
        const minority = wasLeader || this.random() < 0.3 ? [node] : ids.sort(() => this.random() - 0.5).slice(0, size);
        const oneWay = !this.leaderOnly && this.random() < 0.3;
        rec.detail = `partition ${minority.join(',')} | rest${oneWay ? ' (one way: minority → rest lost)' : ''}${leader && minority.includes(leader) ? ' (leader in minority)' : ''}`;
        this.target.partition?.(minority, oneWay);
        if (leader && minority.includes(leader) && !oneWay) await this.measureFailover(leader, rec);
        await sleep(Math.max(0, hold - (this.clock() - rec.start)));
        this.target.heal?.();
        break;
      }
      case 'membership': {
        const others = this.target.nodeIds.filter((n) => n !== leader);
        const who = others[Math.floor(this.random() * others.length)] as string;
        rec.detail = `remove and re-add ${who}`;
        await this.target.cycleMembership?.(who, this.log);
        break;
      }
    }
    rec.end = this.clock();
    this.log(`nemesis: ${rec.detail} for ${((rec.end - rec.start) / 1000).toFixed(1)} s${rec.failoverMs !== null ? `, new leader after ${rec.failoverMs.toFixed(0)} ms` : ''}`);
  }

  stop(): void {
    this.stopped = true;
  }

  /** Restarts, resumes and reconnects everything. */
  healAll(): void {
    for (const n of this.paused) this.target.resume(n);
    for (const n of this.killed) this.target.restart(n);
    this.paused.clear();
    this.killed.clear();
    this.target.heal?.();
  }
}
