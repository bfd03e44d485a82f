import { hostname } from 'node:os';
import { randomInt, randomUUID } from 'node:crypto';
import { type MonotonicClock, monotonicClock } from '../clock';
import { InvalidIdsConfigError, NoWorkerIdAvailableError, WorkerIdLeaseLostError } from '../errors';
import type { IssuePermit } from '../snowflake/issue-permit';
import { SNOWFLAKE_MAX_WORKER_ID } from '../snowflake/snowflake-layout';
import type { WorkerIdLease, WorkerIdLeaseStore } from './worker-id-lease-store';

/** Options of {@link WorkerIdLeaseKeeper.acquire}. */
export interface WorkerIdLeaseKeeperOptions {
  readonly store: WorkerIdLeaseStore;
  /** Lease time-to-live. Default 10 000 ms. */
  readonly ttlMs?: number;
  /** How often to renew. Default `ttlMs / 3`, so two renewals may fail before the lease lapses. */
  readonly renewIntervalMs?: number;
  /**
   * How much earlier than the store's expiry this process stops trusting the lease, covering
   * clock-rate drift between this host and the store. Default `ttlMs / 10`.
   */
  readonly safetyMarginMs?: number;
  /** Largest worker id to lease. Default 1023. */
  readonly maxWorkerId?: number;
  /** Identifies this holder in the store. Default `host:pid:uuid`. */
  readonly ownerId?: string;
  /** Where the scan for a free id starts. Default random, to spread concurrent starters. */
  readonly startHint?: number;
  /** Clock for the local validity deadline. Default `performance.now` (monotonic). */
  readonly clock?: MonotonicClock;
  /** Called once when the lease is found lost (renewal refused or local deadline passed). */
  readonly onLost?: (error: WorkerIdLeaseLostError) => void;
  /** Called when a renewal attempt fails with an error (e.g. store unreachable); renewal keeps trying. */
  readonly onRenewalError?: (error: unknown) => void;
}

/** Lifecycle of a lease as this process sees it. */
export type WorkerIdLeaseState = 'held' | 'expired' | 'lost' | 'released';

/**
 * Holds one worker-id lease: renews it periodically and acts as the {@link IssuePermit} of the
 * generators using that worker id. The permit fails (`WorkerIdLeaseLostError`) as soon as the
 * lease is not *known* to be held: renewal refused, released, or no renewal confirmed before
 * `request time + ttl - safetyMargin`. The deadline is checked on every id, so a blocked event
 * loop (which would delay timers) cannot make the process issue ids on a lapsed lease.
 */
export class WorkerIdLeaseKeeper implements IssuePermit {
  private validUntil: number;
  private terminal: 'lost' | 'released' | null = null;
  private expiredReported = false;
  private renewing: Promise<boolean> | null = null;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly lease: WorkerIdLease,
    private readonly store: WorkerIdLeaseStore,
    private readonly ttlMs: number,
    private readonly safetyMarginMs: number,
    private readonly clock: MonotonicClock,
    requestedAt: number,
    renewIntervalMs: number,
    private readonly onLost: ((error: WorkerIdLeaseLostError) => void) | undefined,
    private readonly onRenewalError: ((error: unknown) => void) | undefined,
  ) {
    this.validUntil = requestedAt + ttlMs - safetyMarginMs;
    this.timer = setInterval(() => void this.renewNow(), renewIntervalMs);
    // Renewal must not keep a process alive that has nothing else to do.
    this.timer.unref();
  }

  /**
   * Leases a free worker id and starts renewing it.
   * @throws NoWorkerIdAvailableError if all ids are held; InvalidIdsConfigError on bad options.
   */
  static async acquire(options: WorkerIdLeaseKeeperOptions): Promise<WorkerIdLeaseKeeper> {
    const ttlMs = options.ttlMs ?? 10_000;
    const renewIntervalMs = options.renewIntervalMs ?? Math.floor(ttlMs / 3);
    const safetyMarginMs = options.safetyMarginMs ?? Math.floor(ttlMs / 10);
    const maxWorkerId = options.maxWorkerId ?? SNOWFLAKE_MAX_WORKER_ID;
    assertPositiveInteger('ttlMs', ttlMs);
    assertPositiveInteger('renewIntervalMs', renewIntervalMs);
    if (!Number.isInteger(safetyMarginMs) || safetyMarginMs < 0 || safetyMarginMs >= ttlMs) {
      throw new InvalidIdsConfigError(`safetyMarginMs must be an integer in 0..ttlMs-1, got ${safetyMarginMs}`);
    }
    if (renewIntervalMs >= ttlMs - safetyMarginMs) {
      throw new InvalidIdsConfigError(`renewIntervalMs (${renewIntervalMs}) must be below ttlMs - safetyMarginMs`);
    }
    if (!Number.isInteger(maxWorkerId) || maxWorkerId < 0 || maxWorkerId > SNOWFLAKE_MAX_WORKER_ID) {
      throw new InvalidIdsConfigError(`maxWorkerId must be an integer in 0..${SNOWFLAKE_MAX_WORKER_ID}, got ${maxWorkerId}`);
    }
    const clock = options.clock ?? monotonicClock;
    const ownerId = options.ownerId ?? `${hostname()}:${process.pid}:${randomUUID()}`;
    const startHint = options.startHint ?? randomInt(maxWorkerId + 1);
    const requestedAt = clock();
    const lease = await options.store.acquire(ownerId, ttlMs, maxWorkerId, startHint);
    if (lease === null) {
      throw new NoWorkerIdAvailableError(`all worker ids 0..${maxWorkerId} are leased`);
    }
    return new WorkerIdLeaseKeeper(
      lease,
      options.store,
      ttlMs,
      safetyMarginMs,
      clock,
      requestedAt,
      renewIntervalMs,
      options.onLost,
      options.onRenewalError,
    );
  }

  /** The leased worker id. */
  get workerId(): number {
    return this.lease.workerId;
  }

  /** The owner id presented to the store. */
  get ownerId(): string {
    return this.lease.ownerId;
  }

  /** Current state; `expired` can return to `held` if a late renewal is still accepted by the store. */
  get state(): WorkerIdLeaseState {
    if (this.terminal !== null) return this.terminal;
    return this.clock() < this.validUntil ? 'held' : 'expired';
  }

  /** @throws WorkerIdLeaseLostError unless the lease is known to be held right now. */
  assertCanIssue(): void {
    if (this.terminal === null && this.clock() < this.validUntil) return;
    const reason = this.terminal === 'released' ? 'released' : this.terminal === 'lost' ? 'renewal-refused' : 'expired';
    const error = new WorkerIdLeaseLostError(this.lease.workerId, reason);
    if (reason === 'expired') this.reportExpiredOnce(error);
    throw error;
  }

  /**
   * Renews now (also what the timer calls). Resolves whether the lease is held afterwards;
   * concurrent calls share one request. A refusal is final: the keeper stops renewing.
   */
  renewNow(): Promise<boolean> {
    if (this.terminal !== null) return Promise.resolve(false);
    this.renewing ??= this.renewOnce().finally(() => {
      this.renewing = null;
    });
    return this.renewing;
  }

  /** Stops issuing (immediately), stops renewing and gives the id back. Idempotent. */
  async release(): Promise<void> {
    if (this.terminal !== null) return;
    this.terminal = 'released';
    clearInterval(this.timer);
    await this.store.release(this.lease);
  }

  private async renewOnce(): Promise<boolean> {
    const requestedAt = this.clock();
    let renewed: boolean;
    try {
      renewed = await this.store.renew(this.lease, this.ttlMs);
    } catch (error: unknown) {
      this.onRenewalError?.(error);
      return this.state === 'held';
    }
    if (this.terminal !== null) return false;
    if (!renewed) {
      this.terminal = 'lost';
      clearInterval(this.timer);
      this.onLost?.(new WorkerIdLeaseLostError(this.lease.workerId, 'renewal-refused'));
      return false;
    }
    // Measured from when the request left: the store's expiry is at least that late.
    this.validUntil = Math.max(this.validUntil, requestedAt + this.ttlMs - this.safetyMarginMs);
    this.expiredReported = false;
    return true;
  }

  private reportExpiredOnce(error: WorkerIdLeaseLostError): void {
    if (this.expiredReported) return;
    this.expiredReported = true;
    this.onLost?.(error);
  }
}

function assertPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new InvalidIdsConfigError(`${name} must be a positive integer, got ${value}`);
  }
}
