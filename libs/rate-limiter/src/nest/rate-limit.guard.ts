import { type CanActivate, type ExecutionContext, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RATE_LIMIT_METADATA, type RateLimitOptions } from './rate-limit.decorator';
import { rateLimitHeaders, setResponseHeaders } from './rate-limit-headers';
import { RateLimiterRegistry } from './rate-limiter-options';

/**
 * Enforces `@RateLimit` on HTTP handlers. Sets `RateLimit-Limit`, `RateLimit-Remaining` and
 * `RateLimit-Reset` on every limited response; when denied, answers `429`
 * `{"error": "rate limited", "retryAfterMs": …}` with `Retry-After`. When the limiter's store
 * is down and its policy is fail-closed, answers `503`
 * `{"error": "rate limiter unavailable", "retryAfterMs": …}` instead (it is not the client's
 * fault). Handlers without `@RateLimit` and non-HTTP contexts pass through.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly registry: RateLimiterRegistry,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const spec = this.reflector.getAllAndOverride<RateLimitOptions<unknown> | undefined>(RATE_LIMIT_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (spec === undefined) return true;
    const http = context.switchToHttp();
    const request: unknown = http.getRequest();
    const limiter = this.registry.resolve(spec.limiter);
    const n = typeof spec.n === 'function' ? spec.n(request) : (spec.n ?? 1);
    const decision = await limiter.tryAcquire(spec.key(request), n);
    setResponseHeaders(http.getResponse(), rateLimitHeaders(decision));
    if (decision.allowed) return true;
    if (decision.unavailable) {
      throw new HttpException({ error: 'rate limiter unavailable', retryAfterMs: decision.retryAfterMs }, HttpStatus.SERVICE_UNAVAILABLE);
    }
    throw new HttpException({ error: 'rate limited', retryAfterMs: decision.retryAfterMs }, HttpStatus.TOO_MANY_REQUESTS);
  }

}
