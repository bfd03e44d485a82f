import { type LeakyBucketConfig, leakyBucketParams } from '../memory/leaky-bucket-meter';
import { RedisLimiterBase, type RedisLimiterOptions } from './redis-limiter-base';
import { defineScript, type ScriptRunner } from './redis-script';
import { LEAKY_BUCKET_METER_LUA } from './scripts/leaky-bucket.lua';

/**
 * Leaky bucket as a meter (GCRA) on Redis: same definition and guarantee as
 * `LeakyBucketMeter`. One hash per key, `<prefix>:{key}:lbm`, expiring once drained.
 */
export class RedisLeakyBucketMeter extends RedisLimiterBase {
  readonly params: Required<LeakyBucketConfig>;
  private readonly script: ScriptRunner;

  constructor(config: LeakyBucketConfig, options: RedisLimiterOptions) {
    const params = leakyBucketParams(config);
    super(params.capacity, params.capacity, ['lbm'], options);
    this.params = params;
    this.script = defineScript(this.guard.redis, 'leakyBucketMeter', 1, LEAKY_BUCKET_METER_LUA);
  }

  protected runDecide(keys: readonly string[], n: number): Promise<number[]> {
    const { capacity, leakTokens, leakIntervalMs } = this.params;
    return this.script(keys, [capacity, leakTokens, leakIntervalMs, n]);
  }
}
