import { type TokenBucketConfig, type TokenBucketParams, tokenBucketParams } from '../memory/token-bucket';
import { RedisLimiterBase, type RedisLimiterOptions } from './redis-limiter-base';
import type { RedisScript } from './redis-script';
import { TOKEN_BUCKET_KEY_KIND, TOKEN_BUCKET_LUA } from './scripts/token-bucket.lua';

/**
 * Token bucket on Redis (strict or borrow mode): the same definition and guarantee as the
 * in-memory `TokenBucket`, decided atomically by one script on the server's clock.
 * One string `"<level> <last>"` per key, `<prefix>:{key}:tb2`, expiring once the bucket
 * would be full again.
 */
export class RedisTokenBucket extends RedisLimiterBase {
  readonly params: TokenBucketParams;
  private readonly script: RedisScript;
  // capacity, refillTokens, refillIntervalMs, stringified once.
  private readonly bucketArgs: readonly [string, string, string];
  private readonly borrowArg: string;

  constructor(config: TokenBucketConfig, options: RedisLimiterOptions) {
    const params = tokenBucketParams(config);
    super(params.capacity, params.capacity, [TOKEN_BUCKET_KEY_KIND], options);
    this.params = params;
    this.bucketArgs = [String(params.capacity), String(params.refillTokens), String(params.refillIntervalMs)];
    this.borrowArg = params.mode === 'borrow' ? '1' : '0';
    this.script = this.guard.script('tokenBucket', 1, TOKEN_BUCKET_LUA);
  }

  protected runDecide(key: string, n: number): Promise<number[]> {
    const [capacity, refillTokens, refillIntervalMs] = this.bucketArgs;
    return this.script.run([this.keyOf(key), capacity, refillTokens, refillIntervalMs, n, this.borrowArg]);
  }
}
