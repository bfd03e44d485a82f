import { type TokenBucketConfig, type TokenBucketParams, tokenBucketParams } from '../memory/token-bucket';
import { RedisLimiterBase, type RedisLimiterOptions } from './redis-limiter-base';
import { defineScript, type ScriptRunner } from './redis-script';
import { TOKEN_BUCKET_LUA } from './scripts/token-bucket.lua';

/**
 * Token bucket on Redis (strict or borrow mode): the same definition and guarantee as the
 * in-memory `TokenBucket`, decided atomically by one script on the server's clock.
 * One hash per key, `<prefix>:{key}:tb`, expiring once the bucket would be full again.
 */
export class RedisTokenBucket extends RedisLimiterBase {
  readonly params: TokenBucketParams;
  private readonly script: ScriptRunner;

  constructor(config: TokenBucketConfig, options: RedisLimiterOptions) {
    const params = tokenBucketParams(config);
    super(params.capacity, params.capacity, ['tb'], options);
    this.params = params;
    this.script = defineScript(this.guard.redis, 'tokenBucket', 1, TOKEN_BUCKET_LUA);
  }

  protected runDecide(keys: readonly string[], n: number): Promise<number[]> {
    const { capacity, refillTokens, refillIntervalMs, mode } = this.params;
    return this.script(keys, [capacity, refillTokens, refillIntervalMs, n, mode === 'borrow' ? 1 : 0]);
  }
}
