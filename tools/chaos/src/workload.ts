import type { HistoryWriter } from './history-file';
import type { ChaosOp, ChaosTarget } from './target';

export interface WorkloadStats {
  ok: number;
  failed: number;
  unknown: number;
  /** Completed-ok per 250 ms bucket, for availability figures. */
  readonly okTimeline: number[];
  readonly attemptTimeline: number[];
}

/**
 * Concurrent clients doing random operations on a few keys. Each logical operation has
 * its own (clientId, requestId); an attempt with an unknown outcome is retried with the
 * same ids on another node (safe: the server executes it at most once) when the target
 * supports it, and recorded as unknown (`info`) if it never gets an answer.
 */
export class Workload {
  readonly stats: WorkloadStats = { ok: 0, failed: 0, unknown: 0, okTimeline: [], attemptTimeline: [] };
  private nextId = 0;
  private stopped = false;
  private readonly started = performance.now();

  constructor(
    private readonly target: ChaosTarget,
    private readonly history: HistoryWriter,
    private readonly random: () => number,
    private readonly keys: number,
  ) {}

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.random() * xs.length)]!;
  }

  private randomOp(): ChaosOp {
    const key = `k${Math.floor(this.random() * this.keys)}`;
    const value = String(Math.floor(this.random() * 20));
    const roll = this.random();
    const allowed = this.target.ops;
    const want: ChaosOp['op'] = roll < 0.4 ? 'get' : roll < 0.65 ? 'put' : roll < 0.8 ? 'cas' : roll < 0.95 ? 'incr' : 'delete';
    const op = allowed.includes(want) ? want : 'get';
    switch (op) {
      case 'get':
      case 'delete':
        return { op, key };
      case 'put':
        return { op, key, value };
      case 'cas':
        return { op, key, expect: this.random() < 0.2 ? null : String(Math.floor(this.random() * 20)), value };
      case 'incr':
        return { op, key, delta: 1 + Math.floor(this.random() * 3) };
    }
  }

  private bucket(series: number[]): void {
    const b = Math.floor((performance.now() - this.started) / 250);
    while (series.length <= b) series.push(0);
    series[b]!++;
  }

  async runClient(process: string): Promise<void> {
    let requestSeq = 0;
    while (!this.stopped) {
      const op = this.randomOp();
      const id = this.nextId++;
      const ids = { clientId: `chaos-${process}`, requestId: String(++requestSeq) };
      this.history.append({ type: 'invoke', process, id, time: performance.now(), ...op });
      this.bucket(this.stats.attemptTimeline);
      let node = this.pick(this.target.nodeIds);
      let outcome = await this.target.execute(node, op, ids, 3000);
      for (let retry = 0; outcome.kind === 'unknown' && this.target.exactlyOnce && retry < 2 && !this.stopped; retry++) {
        node = this.pick(this.target.nodeIds.filter((n) => n !== node));
        outcome = await this.target.execute(node, op, ids, 3000);
      }
      const time = performance.now();
      if (outcome.kind === 'ok') {
        this.stats.ok++;
        this.bucket(this.stats.okTimeline);
        this.history.append({ type: 'ok', process, id, time, output: outcome.output });
      } else if (outcome.kind === 'fail') {
        this.stats.failed++;
        this.history.append({ type: 'fail', process, id, time, reason: outcome.reason });
        await new Promise((r) => setTimeout(r, 50)); // back off a little when refused
      } else {
        this.stats.unknown++;
        this.history.append({ type: 'info', process, id, time, reason: outcome.reason });
      }
    }
  }

  stop(): void {
    this.stopped = true;
  }

  /** Seconds since the workload started, for aligning fault windows with the timelines. */
  elapsed(): number {
    return (performance.now() - this.started) / 1000;
  }
}
