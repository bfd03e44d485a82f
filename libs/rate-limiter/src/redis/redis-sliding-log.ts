import { type WindowConfig, windowParams } from '../memory/fixed-window';
import { RedisLimiterBase, type RedisLimiterOptions } from './redis-limiter-base';
import { defineScript, type ScriptRunner } from './redis-script';
import { SLIDING_LOG_LUA } from './scripts/window.lua';

/**
 * Sliding log on Redis: same definition and guarantee as `SlidingLog`. A sorted set of
 * admitted units `<prefix>:{key}:log` and its sequence counter `<prefix>:{key}:seq` (same
 * hash tag, same cluster slot); both expire when the newest entry leaves the window.
 */
export class RedisSlidingLog extends RedisLimiterBase {
  readonly params: Required<WindowConfig>;
  private readonly script: ScriptRunner;

  constructor(config: WindowConfig, options: RedisLimiterOptions) {
    const params = windowParams(config);
    super(params.limit, params.limit, ['log', 'seq'], options);
    this.params = params;
    this.script = defineScript(this.guard.redis, 'slidingLog', 2, SLIDING_LOG_LUA);
  }

  protected runDecide(keys: readonly string[], n: number): Promise<number[]> {
    return this.script(keys, [this.params.limit, this.params.windowMs, n]);
  }
}
