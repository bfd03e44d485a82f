import { AcquireTimeoutError, QueueFullError } from '../core/errors';
import type { AcquireOptions } from '../core/rate-limiter';
import { requireCost, requireKey, requireNonNegativeInteger } from '../core/validate';
import { type LeakyBucketConfig, leakyBucketParams } from '../memory/leaky-bucket-meter';
import { RedisLimiterBase, type RedisLimiterOptions } from './redis-limiter-base';
import type { RedisScript } from './redis-script';
import { LEAKY_BUCKET_QUEUE_KEY_KIND, LEAKY_BUCKET_QUEUE_LUA } from './scripts/leaky-bucket.lua';

/**
 * Leaky bucket as a queue on Redis: same definition and guarantee as `LeakyBucketQueue`.
 * `acquire` reserves a departure slot atomically (server clock) and then sleeps locally
 * for the returned delay, so waiting costs no Redis round trips. One string
 * `"<level> <last>"` per key, `<prefix>:{key}:lbq2`, expiring once the backlog has leaked.
 */
export class RedisLeakyBucketQueue extends RedisLimiterBase {
  readonly params: Required<LeakyBucketConfig>;
  private readonly script: RedisScript;

  constructor(config: LeakyBucketConfig, options: RedisLimiterOptions) {
    const params = leakyBucketParams(config);
    super(params.capacity, params.capacity, [LEAKY_BUCKET_QUEUE_KEY_KIND], options);
    this.params = params;
    this.script = this.guard.script('leakyBucketQueue', 1, LEAKY_BUCKET_QUEUE_LUA);
  }

  /**
   * Joins the queue and waits for this request's turn.
   * @throws QueueFullError, AcquireTimeoutError (nothing reserved),
   *   RateLimiterUnavailableError (Redis failed and the policy is fail-closed)
   */
  override async acquire(key: string, n = 1, options?: AcquireOptions): Promise<void> {
    requireKey(key);
    requireCost(n, this.maxCost);
    const maxDelayMs = options?.timeoutMs === undefined ? -1 : requireNonNegativeInteger('timeoutMs', options.timeoutMs);
    let reply: number[];
    try {
      reply = await this.reserve(key, n, maxDelayMs);
    } catch (error: unknown) {
      if (this.guard.failurePolicy === 'fail-open') return;
      throw this.guard.unavailable(error);
    }
    const [status, , delayMs] = reply;
    if (status === -1) throw new QueueFullError(delayMs);
    if (status === 0) throw new AcquireTimeoutError(maxDelayMs, delayMs);
    if (delayMs > 0) await this.guard.sleep(delayMs);
  }

  protected async runDecide(key: string, n: number): Promise<number[]> {
    const [status, room, delayMs, resetMs] = await this.reserve(key, n, 0);
    // tryAcquire never queues: it is denied while the outlet is busy, until the backlog leaks.
    return status === 1 ? [1, room, 0, resetMs] : [0, room, Math.max(delayMs, resetMs), resetMs];
  }

  private reserve(key: string, n: number, maxDelayMs: number): Promise<number[]> {
    const { capacity, leakTokens, leakIntervalMs } = this.params;
    return this.script.run([this.keyOf(key), capacity, leakTokens, leakIntervalMs, n, maxDelayMs]);
  }
}
