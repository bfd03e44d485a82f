/** A granted worker-id lease. */
export interface WorkerIdLease {
  /** The leased worker id. */
  readonly workerId: number;
  /** Who holds it; renewals and the release must present the same owner. */
  readonly ownerId: string;
}

/**
 * Strongly consistent storage of worker-id leases. Implementations: Redis
 * (`RedisWorkerIdLeaseStore`), in-memory (`InMemoryWorkerIdLeaseStore`, tests and single
 * process); a Raft-KV-backed one can be added by implementing this interface.
 *
 * Contract: at any instant at most one unexpired lease exists per worker id. A lease expires
 * `ttlMs` after the store applied the acquire/renew (by the store's own clock), unless renewed.
 */
export interface WorkerIdLeaseStore {
  /**
   * Leases a free worker id in `0..maxWorkerId` for `ttlMs` to `ownerId`, or returns `null`
   * if every id is held. `startHint` is where the scan for a free id begins (spreads
   * concurrent acquirers; any integer, reduced modulo the range).
   */
  acquire(ownerId: string, ttlMs: number, maxWorkerId: number, startHint: number): Promise<WorkerIdLease | null>;
  /**
   * Extends the lease by `ttlMs` from now. Resolves `false` if `ownerId` no longer holds an
   * unexpired lease on `workerId` (it expired or someone else holds it) — the lease is lost.
   */
  renew(lease: WorkerIdLease, ttlMs: number): Promise<boolean>;
  /** Gives the id back if still held by the owner. Resolves whether anything was released. */
  release(lease: WorkerIdLease): Promise<boolean>;
}
