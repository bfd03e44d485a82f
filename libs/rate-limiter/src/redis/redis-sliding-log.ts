import { type WindowConfig, windowParams } from '../memory/fixed-window';
import { RedisLimiterBase, type RedisLimiterOptions } from './redis-limiter-base';
import type { RedisScript } from './redis-script';
import { SLIDING_LOG_KEY_KINDS, SLIDING_LOG_LUA } from './scripts/window.lua';

/**
 * Sliding log on Redis: same definition and guarantee as `SlidingLog`. A sorted set of
 * admitted units `<prefix>:{key}:log` and its sequence counter `<prefix>:{key}:seq` (same
 * hash tag, same cluster slot); both expire when the newest entry leaves the window.
 */
export class RedisSlidingLog extends RedisLimiterBase {
  readonly params: Required<WindowConfig>;
  private readonly script: RedisScript;
  private readonly limitArg: string;
  private readonly windowArg: string;

  constructor(config: WindowConfig, options: RedisLimiterOptions) {
    const params = windowParams(config);
    super(params.limit, params.limit, SLIDING_LOG_KEY_KINDS, options);
    this.params = params;
    this.limitArg = String(params.limit);
    this.windowArg = String(params.windowMs);
    this.script = this.guard.script('slidingLog', 2, SLIDING_LOG_LUA);
  }

  protected runDecide(key: string, n: number): Promise<number[]> {
    const [log, seq] = this.keysFor(key);
    return this.script.run([log, seq, this.limitArg, this.windowArg, n]);
  }
}
