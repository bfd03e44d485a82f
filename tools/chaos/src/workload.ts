import type { HistoryWriter } from './history-file';
import type { Attempt, ChaosOp, ChaosTarget } from './target';

/** Per-attempt client deadline; longer than the nodes' REQUEST_TIMEOUT_MS so a 504 arrives first. */
const ATTEMPT_TIMEOUT_MS = 3000;
/** Width of the availability timeline's buckets. */
export const BUCKET_MS = 250;

export interface WorkloadStats {
  ok: number;
  failed: number;
  unknown: number;
  /** Completed-ok per BUCKET_MS bucket since `timelineOrigin`, for availability figures. */
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
  /** performance.now() when the first client started: time zero of the timelines. */
  timelineOrigin = 0;

  constructor(
    private readonly target: ChaosTarget,
    private readonly history: HistoryWriter,
    private readonly random: () => number,
    private readonly keys: number,
  ) {}

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.random() * xs.length)] as T;
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
    const b = Math.floor((performance.now() - this.timelineOrigin) / BUCKET_MS);
    while (series.length <= b) series.push(0);
    series[b] = (series[b] ?? 0) + 1;
  }

  async runClient(process: string): Promise<void> {
    if (this.timelineOrigin === 0) this.timelineOrigin = performance.now();
    let requestSeq = 0;
    while (!this.stopped) {
      const op = this.randomOp();
      const id = this.nextId++;
      const ids = { clientId: `chaos-${process}`, requestId: String(++requestSeq) };
      this.history.append({ type: 'invoke', process, id, time: performance.now(), ...op });
      this.bucket(this.stats.attemptTimeline);
      const outcome = await this.attempt(op, ids);
      const time = performance.now();
      if (outcome.kind === 'ok') {
        this.stats.ok++;
        this.bucket(this.stats.okTimeline);
        this.history.append({ type: 'ok', process, id, time, ...op, output: outcome.output });
      } else if (outcome.kind === 'fail') {
        this.stats.failed++;
        this.history.append({ type: 'fail', process, id, time, ...op, reason: outcome.reason });
        await new Promise((r) => setTimeout(r, 50)); // back off a little when refused
      } else {
        this.stats.unknown++;
        this.history.append({ type: 'info', process, id, time, ...op, reason: outcome.reason });
      }
    }
  }

  /**
   * Sends one logical operation, retrying an unknown outcome on other nodes with the same
   * ids when the target executes requests exactly once. Once any attempt's outcome was
   * unknown, a later refusal does not make it certain: the first attempt may still be
   * applied, so the result stays unknown.
   */
  private async attempt(op: ChaosOp, ids: { clientId: string; requestId: string }): Promise<Attempt> {
    let node = this.pick(this.target.nodeIds);
    let outcome = await this.target.execute(node, op, ids, ATTEMPT_TIMEOUT_MS);
    let firstUnknown: string | null = outcome.kind === 'unknown' ? outcome.reason : null;
    for (let retry = 0; outcome.kind === 'unknown' && this.target.exactlyOnce && retry < 2 && !this.stopped; retry++) {
      node = this.pick(this.target.nodeIds.filter((n) => n !== node));
      outcome = await this.target.execute(node, op, ids, ATTEMPT_TIMEOUT_MS);
      firstUnknown ??= outcome.kind === 'unknown' ? outcome.reason : null;
    }
    if (outcome.kind === 'fail' && firstUnknown !== null) return { kind: 'unknown', reason: `${firstUnknown}; retry: ${outcome.reason}` };
    return outcome;
  }

  stop(): void {
    this.stopped = true;
  }
}
