/**
 * Every error this library throws extends {@link RateLimiterError} and carries a stable
 * `code`, so callers can branch on `err.code` instead of on message text.
 */
export abstract class RateLimiterError extends Error {
  /** A stable, machine-readable identifier for this kind of failure. */
  abstract readonly code: string;

  protected constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A limiter was constructed with invalid options (non-positive rate, bad mode, ...). */
export class InvalidOptionsError extends RateLimiterError {
  readonly code = 'ERR_RATE_LIMITER_OPTIONS';
  constructor(message: string) {
    super(message);
  }
}

/** `n` is not a positive safe integer. */
export class InvalidCostError extends RateLimiterError {
  readonly code = 'ERR_RATE_LIMITER_COST';
  constructor(readonly cost: unknown) {
    super(`n must be a positive safe integer, got ${String(cost)}`);
  }
}

/** `n` can never be admitted because it exceeds the limiter's capacity. */
export class CostExceedsCapacityError extends RateLimiterError {
  readonly code = 'ERR_RATE_LIMITER_COST_EXCEEDS_CAPACITY';
  constructor(
    readonly cost: number,
    readonly capacity: number,
  ) {
    super(`n = ${cost} exceeds the limiter's capacity of ${capacity}; it could never be admitted`);
  }
}

/** The key is empty or not a string. */
export class InvalidKeyError extends RateLimiterError {
  readonly code = 'ERR_RATE_LIMITER_KEY';
  constructor(readonly key: unknown) {
    super(`key must be a non-empty string, got ${JSON.stringify(key)}`);
  }
}

/** `acquire` could not be admitted within its `timeoutMs`. */
export class AcquireTimeoutError extends RateLimiterError {
  readonly code = 'ERR_RATE_LIMITER_TIMEOUT';
  constructor(
    readonly timeoutMs: number,
    readonly retryAfterMs: number,
  ) {
    super(`not admitted within ${timeoutMs} ms (next chance in ${retryAfterMs} ms)`);
  }
}

/** A queueing limiter's queue is full: waiting would exceed its bounded backlog. */
export class QueueFullError extends RateLimiterError {
  readonly code = 'ERR_RATE_LIMITER_QUEUE_FULL';
  constructor(readonly retryAfterMs: number) {
    super(`the queue is full (room again in ${retryAfterMs} ms)`);
  }
}

/**
 * The backing store (Redis) could not be reached or answered with an error. Carried by
 * fail-open / fail-closed decisions and thrown by `acquire` under fail-closed.
 */
export class RateLimiterUnavailableError extends RateLimiterError {
  readonly code = 'ERR_RATE_LIMITER_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
