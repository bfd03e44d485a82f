// Core contract
export type { AcquireOptions, RateLimiter } from './core/rate-limiter';
export type { Decision } from './core/decision';
export type { Clock, Sleep } from './core/clock';
export { systemClock, systemSleep } from './core/clock';
export { checkLimits, type LimitCheck } from './core/check-limits';
export {
  AcquireTimeoutError,
  CostExceedsCapacityError,
  InvalidCostError,
  InvalidKeyError,
  InvalidOptionsError,
  QueueFullError,
  RateLimiterError,
  RateLimiterUnavailableError,
} from './core/errors';

// In memory
export type { MemoryLimiterOptions } from './memory/memory-limiter-base';
export { TokenBucket, type TokenBucketConfig, type TokenBucketMode } from './memory/token-bucket';
export { LeakyBucketMeter, type LeakyBucketConfig } from './memory/leaky-bucket-meter';
export { LeakyBucketQueue } from './memory/leaky-bucket-queue';
export { FixedWindow, type WindowConfig } from './memory/fixed-window';
export { SlidingLog } from './memory/sliding-log';
export { SlidingWindowCounter } from './memory/sliding-window-counter';

// On Redis
export { createLimiterRedis, SAFE_LIMITER_REDIS_OPTIONS, unsafeClientReason, type RedisConnection } from './redis/redis-client';
export type { FailurePolicy, RedisLimiterOptions } from './redis/redis-call-guard';
export { scriptCommandName } from './redis/redis-script';
export { RedisTokenBucket } from './redis/redis-token-bucket';
export { RedisLeakyBucketMeter } from './redis/redis-leaky-bucket-meter';
export { RedisLeakyBucketQueue } from './redis/redis-leaky-bucket-queue';
export { RedisFixedWindow } from './redis/redis-fixed-window';
export { RedisSlidingLog } from './redis/redis-sliding-log';
export { RedisSlidingWindowCounter } from './redis/redis-sliding-window-counter';
export { LeasedTokenBucket, type LeaseOptions } from './leasing/leased-token-bucket';

// Marking
export { TwoRateThreeColorMarker, type Color, type TwoRateThreeColorMarkerConfig } from './trtcm/two-rate-three-color-marker';

// NestJS
export { RateLimit, RATE_LIMIT_METADATA, type RateLimitOptions } from './nest/rate-limit.decorator';
export { RateLimitGuard } from './nest/rate-limit.guard';
export { RateLimiterModule } from './nest/rate-limiter.module';
export { RateLimiterRegistry, type RateLimiterModuleOptions } from './nest/rate-limiter-options';
export { rateLimitHeaders, setResponseHeaders } from './nest/rate-limit-headers';
