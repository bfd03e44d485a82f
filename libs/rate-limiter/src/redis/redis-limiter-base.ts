import { acquireByPolling } from '../core/acquire-by-polling';
import { allow, type Decision, deny } from '../core/decision';
import type { AcquireOptions, RateLimiter } from '../core/rate-limiter';
import { requireCost, requireKey, requireNonNegativeInteger } from '../core/validate';
import { RedisCallGuard, type RedisLimiterOptions } from './redis-call-guard';

export type { FailurePolicy, RedisLimiterOptions } from './redis-call-guard';

/**
 * Shared machinery of the Redis limiters: validation, key naming, the command timeout and
 * the failure policy (via {@link RedisCallGuard}). Subclasses supply the script call.
 */
export abstract class RedisLimiterBase implements RateLimiter {
  protected readonly guard: RedisCallGuard;

  protected constructor(
    /** `RateLimit-Limit`. */
    readonly limit: number,
    /** The largest admissible `n`. */
    protected readonly maxCost: number,
    /** Suffixes of this algorithm's keys (e.g. `['tb']`). */
    private readonly keyKinds: readonly string[],
    options: RedisLimiterOptions,
  ) {
    this.guard = new RedisCallGuard(options);
  }

  /** @inheritdoc */
  async tryAcquire(key: string, n = 1): Promise<Decision> {
    requireKey(key);
    requireCost(n, this.maxCost);
    try {
      const [allowed, remaining, retryAfterMs, resetMs] = await this.guard.withTimeout(this.runDecide(this.keysFor(key), n));
      return allowed === 1 ? allow(this.limit, remaining, resetMs) : deny(this.limit, remaining, retryAfterMs, resetMs);
    } catch (error: unknown) {
      return this.guard.failureDecision(this.limit, error);
    }
  }

  /** @inheritdoc */
  async acquire(key: string, n = 1, options?: AcquireOptions): Promise<void> {
    requireKey(key);
    requireCost(n, this.maxCost);
    if (options?.timeoutMs !== undefined) requireNonNegativeInteger('timeoutMs', options.timeoutMs);
    return acquireByPolling(() => this.tryAcquire(key, n), this.guard.sleep, Date.now, options);
  }

  /** @inheritdoc  @throws RateLimiterUnavailableError when Redis fails. */
  async reset(key: string): Promise<void> {
    requireKey(key);
    try {
      await this.guard.withTimeout(this.guard.redis.del(...this.keysFor(key)));
    } catch (error: unknown) {
      throw this.guard.unavailable(error);
    }
  }

  /** The Redis keys of `key`, all sharing the hash tag `{key}`. */
  keysFor(key: string): string[] {
    return this.guard.keysFor(key, this.keyKinds);
  }

  /** Runs the algorithm's script; resolves to `[allowed, remaining, retryAfterMs, resetMs]`. */
  protected abstract runDecide(keys: readonly string[], n: number): Promise<number[]>;
}
