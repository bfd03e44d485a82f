import { type WindowConfig, windowParams } from '../memory/fixed-window';
import { RedisLimiterBase, type RedisLimiterOptions } from './redis-limiter-base';
import type { RedisScript } from './redis-script';
import { SLIDING_WINDOW_COUNTER_KEY_KIND, SLIDING_WINDOW_COUNTER_LUA } from './scripts/window.lua';

/**
 * Sliding window counter on Redis: same definition and guarantee as
 * `SlidingWindowCounter`. One string `"<window> <current> <previous>"` per key,
 * `<prefix>:{key}:swc2`, expiring when both its windows have passed.
 */
export class RedisSlidingWindowCounter extends RedisLimiterBase {
  readonly params: Required<WindowConfig>;
  private readonly script: RedisScript;
  private readonly limitArg: string;
  private readonly windowArg: string;

  constructor(config: WindowConfig, options: RedisLimiterOptions) {
    const params = windowParams(config);
    super(params.limit, params.limit, [SLIDING_WINDOW_COUNTER_KEY_KIND], options);
    this.params = params;
    this.limitArg = String(params.limit);
    this.windowArg = String(params.windowMs);
    this.script = this.guard.script('slidingWindowCounter', 1, SLIDING_WINDOW_COUNTER_LUA);
  }

  protected runDecide(key: string, n: number): Promise<number[]> {
    return this.script.run([this.keyOf(key), this.limitArg, this.windowArg, n]);
  }
}
