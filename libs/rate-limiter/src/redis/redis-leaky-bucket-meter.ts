import { type LeakyBucketConfig, leakyBucketParams } from '../memory/leaky-bucket-meter';
import { RedisLimiterBase, type RedisLimiterOptions } from './redis-limiter-base';
import type { RedisScript } from './redis-script';
import { LEAKY_BUCKET_METER_KEY_KIND, LEAKY_BUCKET_METER_LUA } from './scripts/leaky-bucket.lua';

/**
 * Leaky bucket as a meter (GCRA) on Redis: same definition and guarantee as
 * `LeakyBucketMeter`. One string `"<level> <last>"` per key, `<prefix>:{key}:lbm2`,
 * expiring once drained.
 */
export class RedisLeakyBucketMeter extends RedisLimiterBase {
  readonly params: Required<LeakyBucketConfig>;
  private readonly script: RedisScript;
  // capacity, leakTokens, leakIntervalMs, stringified once.
  private readonly bucketArgs: readonly [string, string, string];

  constructor(config: LeakyBucketConfig, options: RedisLimiterOptions) {
    const params = leakyBucketParams(config);
    super(params.capacity, params.capacity, [LEAKY_BUCKET_METER_KEY_KIND], options);
    this.params = params;
    this.bucketArgs = [String(params.capacity), String(params.leakTokens), String(params.leakIntervalMs)];
    this.script = this.guard.script('leakyBucketMeter', 1, LEAKY_BUCKET_METER_LUA);
  }

  protected runDecide(key: string, n: number): Promise<number[]> {
    const [capacity, leakTokens, leakIntervalMs] = this.bucketArgs;
    return this.script.run([this.keyOf(key), capacity, leakTokens, leakIntervalMs, n]);
  }
}
