import { type Clock, systemClock } from '../clock';
import type { WorkerIdLease, WorkerIdLeaseStore } from './worker-id-lease-store';

interface Holding {
  readonly ownerId: string;
  expiresAt: number;
}

/**
 * {@link WorkerIdLeaseStore} in process memory with an injectable clock: for tests and for
 * single-process deployments where all generators share one store.
 */
export class InMemoryWorkerIdLeaseStore implements WorkerIdLeaseStore {
  private readonly holdings = new Map<number, Holding>();

  constructor(private readonly clock: Clock = systemClock) {}

  async acquire(ownerId: string, ttlMs: number, maxWorkerId: number, startHint: number): Promise<WorkerIdLease | null> {
    const now = this.clock();
    const size = maxWorkerId + 1;
    const start = ((startHint % size) + size) % size;
    for (let i = 0; i < size; i++) {
      const workerId = (start + i) % size;
      const holding = this.holdings.get(workerId);
      if (holding === undefined || holding.expiresAt <= now) {
        this.holdings.set(workerId, { ownerId, expiresAt: now + ttlMs });
        return { workerId, ownerId };
      }
    }
    return null;
  }

  async renew(lease: WorkerIdLease, ttlMs: number): Promise<boolean> {
    const holding = this.currentHolding(lease);
    if (holding === undefined) return false;
    holding.expiresAt = this.clock() + ttlMs;
    return true;
  }

  async release(lease: WorkerIdLease): Promise<boolean> {
    if (this.currentHolding(lease) === undefined) return false;
    this.holdings.delete(lease.workerId);
    return true;
  }

  /** Test hook: forcibly hands `workerId` to another owner, as if our lease had lapsed. */
  steal(workerId: number, ownerId: string, ttlMs: number): void {
    this.holdings.set(workerId, { ownerId, expiresAt: this.clock() + ttlMs });
  }

  private currentHolding(lease: WorkerIdLease): Holding | undefined {
    const holding = this.holdings.get(lease.workerId);
    if (holding === undefined || holding.ownerId !== lease.ownerId || holding.expiresAt <= this.clock()) return undefined;
    return holding;
  }
}
