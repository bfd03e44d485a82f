import type { Decision } from './decision';
import { InvalidOptionsError } from './errors';
import type { RateLimiter } from './rate-limiter';

/** One limit to check: which limiter, for which key, at what cost. */
export interface LimitCheck {
  readonly limiter: RateLimiter;
  readonly key: string;
  /** Units this request costs; default 1. */
  readonly n?: number;
}

/**
 * Checks several limits for one request (e.g. per user, then per conversation) in order and
 * returns the first denial, or `null` when every limit admitted. For callers outside HTTP
 * handlers (WebSocket gateways, services) that cannot use `RateLimitGuard`.
 *
 * Stops at the first denial, so later limiters are not charged for a refused request. Units
 * already taken by earlier limiters are *not* given back: no algorithm here can refund
 * atomically across keys, and charging a refused request to the limits it passed errs on the
 * strict side. Put the limit most likely to deny first.
 *
 * A denial caused by an unavailable store under fail-closed has `unavailable` set (answer
 * 503, not 429); under fail-open it is an admission and checking continues.
 *
 * @throws InvalidOptionsError when `checks` is not an array; the limiters' own typed errors
 *   for a bad key or `n`.
 */
export async function checkLimits(checks: readonly LimitCheck[]): Promise<Decision | null> {
  if (!Array.isArray(checks)) throw new InvalidOptionsError('checkLimits expects an array of { limiter, key, n? }');
  for (const { limiter, key, n } of checks) {
    const decision = await limiter.tryAcquire(key, n ?? 1);
    if (!decision.allowed) return decision;
  }
  return null;
}
