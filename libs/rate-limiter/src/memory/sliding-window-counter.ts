import { allow, type Decision, deny } from '../core/decision';
import { floorDiv } from '../core/int-math';
import { type WindowConfig, windowParams } from './fixed-window';
import { MemoryLimiterBase, type MemoryLimiterOptions } from './memory-limiter-base';

interface SlidingWindowCounterState {
  window: number;
  current: number;
  previous: number;
}

/** The per-window counts after rolling `state` forward to window `window`. */
export function rollWindows(state: SlidingWindowCounterState, window: number): void {
  if (window === state.window + 1) {
    state.previous = state.current;
    state.current = 0;
  } else if (window > state.window + 1) {
    state.previous = 0;
    state.current = 0;
  }
  state.window = Math.max(state.window, window);
}

/**
 * Earliest ms offset `e` into a window (0 ≤ e ≤ windowMs) at which
 * `previous × (windowMs − e) ≤ room × windowMs`, i.e. at which the weighted count makes
 * room; `windowMs` means "not in this window".
 */
export function earliestOffset(previous: number, room: number, windowMs: number): number {
  if (room < 0) return windowMs;
  if (previous === 0) return 0;
  return Math.max(0, windowMs - floorDiv(room * windowMs, previous));
}

/**
 * Sliding window counter: fixed windows of `windowMs`, but a request at offset `e` into the
 * current window is judged by the estimate `previous × (windowMs − e) / windowMs + current`
 * — the previous window's count weighted by how much of it the sliding window still covers.
 * Admitted iff `estimate + n ≤ limit` (evaluated in exact integers, multiplied by windowMs).
 *
 * Guarantee: at most `limit` units per aligned window and, for any window of length
 * `windowMs`, fewer than `2 × limit` (the estimate assumes the previous window's requests
 * were spread evenly; it is exact when they were). O(1) memory per key.
 */
export class SlidingWindowCounter extends MemoryLimiterBase<SlidingWindowCounterState> {
  readonly params: Required<WindowConfig>;

  constructor(config: WindowConfig, options?: MemoryLimiterOptions) {
    const params = windowParams(config);
    super(params.limit, params.limit, options);
    this.params = params;
  }

  protected initialState(now: number): SlidingWindowCounterState {
    return { window: Math.floor(now / this.params.windowMs), current: 0, previous: 0 };
  }

  protected decide(state: SlidingWindowCounterState, n: number, now: number): Decision {
    const { limit, windowMs } = this.params;
    rollWindows(state, Math.floor(now / windowMs));
    const start = state.window * windowMs;
    const offset = now - start;
    const weighted = state.previous * (windowMs - offset) + state.current * windowMs;
    const resetMs = (state.current > 0 ? start + 2 * windowMs : state.previous > 0 ? start + windowMs : now) - now;
    if (weighted + n * windowMs <= limit * windowMs) {
      state.current += n;
      const remaining = floorDiv(limit * windowMs - weighted - n * windowMs, windowMs);
      return allow(limit, remaining, state.current > 0 ? start + 2 * windowMs - now : 0);
    }
    const remaining = floorDiv(limit * windowMs - weighted, windowMs);
    return deny(limit, remaining, this.retryAt(state, n) - now, resetMs);
  }

  protected idleAt(state: SlidingWindowCounterState): number {
    const start = state.window * this.params.windowMs;
    if (state.current > 0) return start + 2 * this.params.windowMs;
    return state.previous > 0 ? start + this.params.windowMs : -Infinity;
  }

  // The estimate only falls as time passes, so the first instant it admits n is exact:
  // later in this window, else in the next one (previous := current), else the one after.
  private retryAt(state: SlidingWindowCounterState, n: number): number {
    const { limit, windowMs } = this.params;
    const start = state.window * windowMs;
    const inThisWindow = earliestOffset(state.previous, limit - state.current - n, windowMs);
    if (inThisWindow < windowMs) return start + inThisWindow;
    const inNextWindow = earliestOffset(state.current, limit - n, windowMs);
    if (inNextWindow < windowMs) return start + windowMs + inNextWindow;
    return start + 2 * windowMs;
  }
}
