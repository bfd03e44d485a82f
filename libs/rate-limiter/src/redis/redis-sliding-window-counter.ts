import { type WindowConfig, windowParams } from '../memory/fixed-window';
import { RedisLimiterBase, type RedisLimiterOptions } from './redis-limiter-base';
import { defineScript, type ScriptRunner } from './redis-script';
import { SLIDING_WINDOW_COUNTER_LUA } from './scripts/window.lua';

/**
 * Sliding window counter on Redis: same definition and guarantee as
 * `SlidingWindowCounter`. One hash per key, `<prefix>:{key}:swc`, expiring when both its
 * windows have passed.
 */
export class RedisSlidingWindowCounter extends RedisLimiterBase {
  readonly params: Required<WindowConfig>;
  private readonly script: ScriptRunner;

  constructor(config: WindowConfig, options: RedisLimiterOptions) {
    const params = windowParams(config);
    super(params.limit, params.limit, ['swc'], options);
    this.params = params;
    this.script = defineScript(this.guard.redis, 'slidingWindowCounter', 1, SLIDING_WINDOW_COUNTER_LUA);
  }

  protected runDecide(keys: readonly string[], n: number): Promise<number[]> {
    return this.script(keys, [this.params.limit, this.params.windowMs, n]);
  }
}
