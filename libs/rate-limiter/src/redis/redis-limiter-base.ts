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
  // Key = head + key + tail: one concatenation per key instead of a map and a template.
  private readonly keyHead: string;
  private readonly keyTails: readonly string[];

  protected constructor(
    /** `RateLimit-Limit`. */
    readonly limit: number,
    /** The largest admissible `n`. */
    protected readonly maxCost: number,
    /** Suffixes of this algorithm's keys (e.g. `['tb2']`). */
    keyKinds: readonly string[],
    options: RedisLimiterOptions,
  ) {
    this.guard = new RedisCallGuard(options);
    this.keyHead = `${this.guard.prefix}:{`;
    this.keyTails = keyKinds.map((kind) => `}:${kind}`);
  }

  /** @inheritdoc */
  async tryAcquire(key: string, n = 1): Promise<Decision> {
    requireKey(key);
    requireCost(n, this.maxCost);
    let reply: number[];
    try {
      reply = await this.runDecide(key, n);
    } catch (error: unknown) {
      return this.guard.failureDecision(this.limit, error);
    }
    return reply[0] === 1 ? allow(this.limit, reply[1], reply[3]) : deny(this.limit, reply[1], reply[2], reply[3]);
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
    const keys: string[] = [];
    for (const tail of this.keyTails) keys.push(this.keyHead + key + tail);
    return keys;
  }

  /** The first Redis key of `key` (the only one for single-key algorithms). */
  protected keyOf(key: string): string {
    return this.keyHead + key + this.keyTails[0];
  }

  /**
   * Runs the algorithm's script for the (validated) `key` (timed by the guard's command
   * timeout); resolves to `[allowed, remaining, retryAfterMs, resetMs]`.
   */
  protected abstract runDecide(key: string, n: number): Promise<number[]>;
}
