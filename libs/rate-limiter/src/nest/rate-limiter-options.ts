import { InvalidOptionsError } from '../core/errors';
import type { RateLimiter } from '../core/rate-limiter';

/** Configuration of `RateLimiterModule.forRoot`. */
export interface RateLimiterModuleOptions {
  /** Limiters by name, referenced as `@RateLimit({ limiter: 'name', ... })`. */
  readonly limiters: Readonly<Record<string, RateLimiter>>;
  /** Also register `RateLimitGuard` as a global guard (`APP_GUARD`). Default false. */
  readonly applyGlobally?: boolean;
}

/**
 * The named limiters of `RateLimiterModule.forRoot`, injectable by class (no parameter
 * decorator needed, so the library also loads under transpilers without legacy
 * decorator support, e.g. the tsx benchmarks).
 */
export class RateLimiterRegistry {
  constructor(readonly options: RateLimiterModuleOptions) {}

  /** The limiter itself, or the one registered under this name. @throws InvalidOptionsError */
  resolve(limiter: string | RateLimiter): RateLimiter {
    if (typeof limiter !== 'string') return limiter;
    const found = this.options.limiters[limiter];
    if (found === undefined) throw new InvalidOptionsError(`no rate limiter named "${limiter}" in RateLimiterModule.forRoot`);
    return found;
  }
}
