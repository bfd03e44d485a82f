import { acquireByPolling } from '../core/acquire-by-polling';
import { type Clock, readClock, systemClock } from '../core/clock';
import { allow, type Decision, deny } from '../core/decision';
import { InvalidOptionsError } from '../core/errors';
import type { AcquireOptions, RateLimiter } from '../core/rate-limiter';
import { requireCost, requireKey, requireNonNegativeInteger, requirePositiveInteger } from '../core/validate';
import { type TokenBucketConfig, type TokenBucketParams, tokenBucketParams } from '../memory/token-bucket';
import { RedisCallGuard, type RedisLimiterOptions } from '../redis/redis-call-guard';
import type { RedisScript } from '../redis/redis-script';
import { TOKEN_BUCKET_KEY_KIND, TOKEN_BUCKET_LEASE_LUA } from '../redis/scripts/token-bucket.lua';

/** Leasing knobs. */
export interface LeaseOptions {
  /**
   * Tokens taken from Redis per round trip (at least `n` of the request that triggers
   * it). Larger leases mean fewer round trips and a coarser global limit.
   */
  readonly leaseSize: number;
  /**
   * How long (local clock) leased tokens may be used; unused ones go back to Redis when
   * the lease is renewed or released. Bounds how far leasing can stretch a window.
   */
  readonly leaseTtlMs: number;
  /** Local clock for lease expiry; default `Date.now`. */
  readonly clock?: Clock;
}

/** Tokens this process holds for one key. */
interface Lease {
  tokens: number;
  expiresAt: number;
  renewing?: Promise<Decision>;
}

/**
 * Quota leasing over a Redis token bucket (strict mode): a process takes a batch of up to
 * `leaseSize` tokens from the shared bucket in one atomic script and admits requests from
 * it locally, without a round trip; unused tokens are given back (atomically, capped at
 * capacity) when the lease expires and is renewed, or on {@link release}.
 *
 * Accuracy trade-off: tokens only ever come out of the shared bucket, so the long-run
 * rate never exceeds the bucket's rate. But a leased token may be spent up to
 * `leaseTtlMs` after it left Redis, so a window of length t may see up to
 * `capacity + rate × (t + leaseTtlMs)` admissions; and tokens leased by an idle process
 * are unavailable to the others until they return (under-admission). Small leases and
 * short TTLs are accurate; large ones save round trips.
 */
export class LeasedTokenBucket implements RateLimiter {
  readonly limit: number;
  readonly params: TokenBucketParams;
  private readonly guard: RedisCallGuard;
  private readonly script: RedisScript;
  private readonly leaseSize: number;
  private readonly leaseTtlMs: number;
  private readonly clock: Clock;
  private readonly leases = new Map<string, Lease>();

  /** @throws InvalidOptionsError (also for `mode: 'borrow'`, which leasing cannot honour) */
  constructor(config: TokenBucketConfig, lease: LeaseOptions, options: RedisLimiterOptions) {
    this.params = tokenBucketParams(config);
    if (this.params.mode !== 'strict') throw new InvalidOptionsError('quota leasing supports only the strict token bucket');
    this.limit = this.params.capacity;
    this.leaseSize = requirePositiveInteger('leaseSize', lease.leaseSize);
    if (this.leaseSize > this.params.capacity) throw new InvalidOptionsError('leaseSize must not exceed capacity');
    this.leaseTtlMs = requirePositiveInteger('leaseTtlMs', lease.leaseTtlMs);
    this.clock = lease.clock ?? systemClock;
    this.guard = new RedisCallGuard(options);
    this.script = this.guard.script('tokenBucketLease', 1, TOKEN_BUCKET_LEASE_LUA);
  }

  /** @inheritdoc */
  async tryAcquire(key: string, n = 1): Promise<Decision> {
    requireKey(key);
    requireCost(n, this.params.capacity);
    for (;;) {
      const lease = this.leases.get(key);
      if (lease?.renewing) {
        // Single flight: one renewal per key at a time, then compete for its tokens.
        await lease.renewing;
        continue;
      }
      if (lease && lease.expiresAt > readClock(this.clock) && lease.tokens >= n) {
        lease.tokens -= n;
        return allow(this.limit, lease.tokens, 0);
      }
      return this.renew(key, n);
    }
  }

  /** @inheritdoc */
  async acquire(key: string, n = 1, options?: AcquireOptions): Promise<void> {
    requireKey(key);
    requireCost(n, this.params.capacity);
    if (options?.timeoutMs !== undefined) requireNonNegativeInteger('timeoutMs', options.timeoutMs);
    return acquireByPolling(() => this.tryAcquire(key, n), this.guard.sleep, () => readClock(this.clock), options);
  }

  /**
   * Gives this process's unused tokens for `key` back to Redis.
   * @throws RateLimiterUnavailableError (the tokens are then forfeited)
   */
  async release(key: string): Promise<void> {
    const lease = this.leases.get(requireKey(key));
    if (lease?.renewing) await lease.renewing;
    const current = this.leases.get(key);
    this.leases.delete(key);
    if (current === undefined || current.tokens === 0) return;
    try {
      await this.callScript(key, current.tokens, 0, 0);
    } catch (error: unknown) {
      throw this.guard.unavailable(error);
    }
  }

  /** Gives every unused token back to Redis (call on shutdown). */
  async releaseAll(): Promise<void> {
    await Promise.all([...this.leases.keys()].map((key) => this.release(key)));
  }

  /** Drops the local lease (unused tokens are forfeited, not returned) and the Redis bucket. */
  async reset(key: string): Promise<void> {
    this.leases.delete(requireKey(key));
    try {
      await this.guard.withTimeout(this.guard.redis.del(...this.guard.keysFor(key, [TOKEN_BUCKET_KEY_KIND])));
    } catch (error: unknown) {
      throw this.guard.unavailable(error);
    }
  }

  /** Tokens currently leased locally for `key` (for monitoring and tests). */
  leasedTokens(key: string): number {
    return this.leases.get(key)?.tokens ?? 0;
  }

  // Returns the old lease's leftovers and takes a new lease in one atomic round trip.
  private renew(key: string, n: number): Promise<Decision> {
    const old = this.leases.get(key);
    const give = old?.tokens ?? 0;
    const lease: Lease = { tokens: 0, expiresAt: readClock(this.clock) + this.leaseTtlMs };
    this.leases.set(key, lease);
    const renewing = (async (): Promise<Decision> => {
      try {
        const [taken, leftInRedis, retryAfterMs] = await this.callScript(key, give, Math.max(this.leaseSize, n), n);
        if (taken < n) return deny(this.limit, leftInRedis, retryAfterMs, 0);
        lease.tokens = taken - n;
        return allow(this.limit, lease.tokens + leftInRedis, 0);
      } catch (error: unknown) {
        // The old leftovers may or may not have reached Redis: forfeit them rather than
        // risk returning them twice.
        return this.guard.failureDecision(this.limit, error);
      } finally {
        lease.renewing = undefined;
      }
    })();
    lease.renewing = renewing;
    return renewing;
  }

  private callScript(key: string, give: number, take: number, min: number): Promise<number[]> {
    const { capacity, refillTokens, refillIntervalMs } = this.params;
    const [bucket] = this.guard.keysFor(key, [TOKEN_BUCKET_KEY_KIND]);
    return this.script.run([bucket, capacity, refillTokens, refillIntervalMs, give, take, min]);
  }
}
