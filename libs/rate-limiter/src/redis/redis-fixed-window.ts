import { type WindowConfig, windowParams } from '../memory/fixed-window';
import { RedisLimiterBase, type RedisLimiterOptions } from './redis-limiter-base';
import type { RedisScript } from './redis-script';
import { FIXED_WINDOW_KEY_KIND, FIXED_WINDOW_LUA } from './scripts/window.lua';

/**
 * Fixed window counter on Redis: same definition and guarantee as `FixedWindow` (windows
 * aligned to the Redis server's clock). One integer per key, `<prefix>:{key}:fw3`, which exists
 * only during its window: it expires where the window ends, by the server's clock.
 */
export class RedisFixedWindow extends RedisLimiterBase {
  readonly params: Required<WindowConfig>;
  private readonly script: RedisScript;
  private readonly limitArg: string;
  private readonly windowArg: string;

  constructor(config: WindowConfig, options: RedisLimiterOptions) {
    const params = windowParams(config);
    super(params.limit, params.limit, [FIXED_WINDOW_KEY_KIND], options);
    this.params = params;
    this.limitArg = String(params.limit);
    this.windowArg = String(params.windowMs);
    this.script = this.guard.script('fixedWindow', 1, FIXED_WINDOW_LUA);
  }

  protected runDecide(key: string, n: number): Promise<number[]> {
    return this.script.run([this.keyOf(key), this.limitArg, this.windowArg, n]);
  }
}
