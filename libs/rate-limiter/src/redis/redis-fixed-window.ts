import { type WindowConfig, windowParams } from '../memory/fixed-window';
import { RedisLimiterBase, type RedisLimiterOptions } from './redis-limiter-base';
import { defineScript, type ScriptRunner } from './redis-script';
import { FIXED_WINDOW_LUA } from './scripts/window.lua';

/**
 * Fixed window counter on Redis: same definition and guarantee as `FixedWindow` (windows
 * aligned to the Redis server's clock). One hash per key, `<prefix>:{key}:fw`, expiring at
 * the end of its window.
 */
export class RedisFixedWindow extends RedisLimiterBase {
  readonly params: Required<WindowConfig>;
  private readonly script: ScriptRunner;

  constructor(config: WindowConfig, options: RedisLimiterOptions) {
    const params = windowParams(config);
    super(params.limit, params.limit, ['fw'], options);
    this.params = params;
    this.script = defineScript(this.guard.redis, 'fixedWindow', 1, FIXED_WINDOW_LUA);
  }

  protected runDecide(keys: readonly string[], n: number): Promise<number[]> {
    return this.script(keys, [this.params.limit, this.params.windowMs, n]);
  }
}
