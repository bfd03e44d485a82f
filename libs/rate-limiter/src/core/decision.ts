import type { RateLimiterUnavailableError } from './errors';

/**
 * The answer to one `tryAcquire`. All durations are milliseconds relative to the moment the
 * decision was taken (on the limiter's clock: the injected clock in memory, Redis `TIME`
 * on Redis).
 */
export interface Decision {
  /** Whether the `n` units were admitted (and consumed). */
  readonly allowed: boolean;
  /** The limit advertised to clients (`RateLimit-Limit`): capacity / max per window. */
  readonly limit: number;
  /**
   * Units that could still be admitted right now after this decision (never negative); for
   * the leaky-bucket queue, units that could still be queued.
   */
  readonly remaining: number;
  /**
   * When denied: the earliest time, from now, at which the same request would be admitted
   * if nothing else happened in between. 0 when allowed.
   */
  readonly retryAfterMs: number;
  /** Time until the limiter is back to its fully idle state (`RateLimit-Reset`). */
  readonly resetMs: number;
  /**
   * Set only when the backing store failed and the failure policy decided instead of the
   * algorithm (`allowed` is then `true` under fail-open and `false` under fail-closed).
   */
  readonly unavailable?: RateLimiterUnavailableError;
}

/** Builds an allowed decision. */
export function allow(limit: number, remaining: number, resetMs: number): Decision {
  return { allowed: true, limit, remaining: Math.max(0, remaining), retryAfterMs: 0, resetMs: Math.max(0, resetMs) };
}

/** Builds a denied decision. */
export function deny(limit: number, remaining: number, retryAfterMs: number, resetMs: number): Decision {
  return {
    allowed: false,
    limit,
    remaining: Math.max(0, remaining),
    retryAfterMs: Math.max(1, retryAfterMs),
    resetMs: Math.max(0, resetMs),
  };
}
