import { allow, type Decision, deny } from '../core/decision';
import { requireExactProduct, requirePositiveInteger } from '../core/validate';
import { MemoryLimiterBase, type MemoryLimiterOptions } from './memory-limiter-base';

/** Window limiter parameters (fixed window, sliding log, sliding window counter). */
export interface WindowConfig {
  /** Units admitted per window. */
  readonly limit: number;
  /** Window length. */
  readonly windowMs: number;
}

/** Validates a {@link WindowConfig}. @throws InvalidOptionsError */
export function windowParams(config: WindowConfig): Required<WindowConfig> {
  const limit = requirePositiveInteger('limit', config.limit);
  const windowMs = requirePositiveInteger('windowMs', config.windowMs);
  requireExactProduct('limit × windowMs', limit * 2, windowMs);
  return { limit, windowMs };
}

interface FixedWindowState {
  window: number;
  count: number;
}

/**
 * Fixed window counter: time is cut into windows `[k·windowMs, (k+1)·windowMs)` aligned to
 * the clock's epoch; each window admits at most `limit` units.
 *
 * Guarantee: at most `limit` units per aligned window — but up to `2 × limit` in a window of
 * the same length straddling a boundary (the end of one window plus the start of the next).
 */
export class FixedWindow extends MemoryLimiterBase<FixedWindowState> {
  readonly params: Required<WindowConfig>;

  constructor(config: WindowConfig, options?: MemoryLimiterOptions) {
    const params = windowParams(config);
    super(params.limit, params.limit, options);
    this.params = params;
  }

  protected initialState(now: number): FixedWindowState {
    return { window: Math.floor(now / this.params.windowMs), count: 0 };
  }

  protected decide(state: FixedWindowState, n: number, now: number): Decision {
    const { limit, windowMs } = this.params;
    const window = Math.floor(now / windowMs);
    if (window > state.window) {
      state.window = window;
      state.count = 0;
    }
    const untilNextWindow = (state.window + 1) * windowMs - now;
    if (state.count + n <= limit) {
      state.count += n;
      return allow(limit, limit - state.count, untilNextWindow);
    }
    return deny(limit, limit - state.count, untilNextWindow, untilNextWindow);
  }

  protected idleAt(state: FixedWindowState): number {
    return state.count === 0 ? -Infinity : (state.window + 1) * this.params.windowMs;
  }
}
