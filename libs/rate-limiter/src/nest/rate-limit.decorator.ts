import { SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import type { RateLimiter } from '../core/rate-limiter';

/** Metadata key under which `@RateLimit` stores its options. */
export const RATE_LIMIT_METADATA = 'rate-limiter:rate-limit';

/** What `@RateLimit` on a controller or handler asks for. */
export interface RateLimitOptions<TRequest = Request> {
  /** A limiter registered in `RateLimiterModule.forRoot({ limiters })` by name, or an instance. */
  readonly limiter: string | RateLimiter;
  /** Derives the limiter key from the request (user id, API key, client IP, ...). */
  readonly key: (request: TRequest) => string;
  /** Units this request costs (default 1), fixed or derived from the request. */
  readonly n?: number | ((request: TRequest) => number);
}

/**
 * Rate-limits a controller (every handler) or one handler (which then overrides the
 * controller's limit). Enforced by `RateLimitGuard`: `429` with
 * `{"error": "rate limited", "retryAfterMs": …}` and a `Retry-After` header when denied.
 */
export function RateLimit<TRequest = Request>(options: RateLimitOptions<TRequest>): MethodDecorator & ClassDecorator {
  return SetMetadata(RATE_LIMIT_METADATA, options);
}
