import type { Decision } from './decision';

/** Options for {@link RateLimiter.acquire}. */
export interface AcquireOptions {
  /**
   * Give up (with `AcquireTimeoutError`) if admission is not possible within this many
   * milliseconds. A limiter that knows the wait up front fails immediately instead of
   * sleeping first. Default: wait as long as needed.
   */
  readonly timeoutMs?: number;
}

/** The one interface every algorithm, in memory or on Redis, implements. */
export interface RateLimiter {
  /** The limit advertised in decisions (`RateLimit-Limit`). */
  readonly limit: number;
  /**
   * Tries to admit `n` units for `key` now; never waits. Consumes the units only when
   * `allowed` is true.
   * @throws InvalidKeyError, InvalidCostError, CostExceedsCapacityError
   */
  tryAcquire(key: string, n?: number): Promise<Decision>;
  /**
   * Waits until `n` units for `key` are admitted.
   * @throws AcquireTimeoutError when `timeoutMs` would be exceeded,
   *   QueueFullError (queueing limiters), RateLimiterUnavailableError (store down, fail-closed)
   */
  acquire(key: string, n?: number, options?: AcquireOptions): Promise<void>;
  /** Forgets all state of `key` (it behaves as never seen). */
  reset(key: string): Promise<void>;
}
