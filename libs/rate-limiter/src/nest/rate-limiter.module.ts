import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimiterRegistry, type RateLimiterModuleOptions } from './rate-limiter-options';

/**
 * Provides named limiters to `RateLimitGuard`. Use with `@UseGuards(RateLimitGuard)` on
 * controllers, or `applyGlobally: true` to guard every route (only routes with
 * `@RateLimit` are limited).
 */
@Module({})
export class RateLimiterModule {
  /** Registers the limiters (global module: import once, in the root module). */
  static forRoot(options: RateLimiterModuleOptions): DynamicModule {
    const providers: Provider[] = [{ provide: RateLimiterRegistry, useValue: new RateLimiterRegistry(options) }, RateLimitGuard];
    if (options.applyGlobally === true) providers.push({ provide: APP_GUARD, useExisting: RateLimitGuard });
    return { module: RateLimiterModule, global: true, providers, exports: [RateLimiterRegistry, RateLimitGuard] };
  }
}
