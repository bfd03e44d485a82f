import { allow, type Decision, deny } from '../core/decision';
import { MemoryLimiterBase, type MemoryLimiterOptions } from './memory-limiter-base';
import { type WindowConfig, windowParams } from './fixed-window';

/** Admitted requests, oldest first: parallel arrays from `head` on (amortized O(1) shift). */
interface SlidingLogState {
  times: number[];
  costs: number[];
  head: number;
  total: number;
}

/**
 * Sliding log: remembers the time of every admitted request; a request is admitted if the
 * units admitted in the last `windowMs` (the half-open window `(now − windowMs, now]`) plus
 * `n` do not exceed `limit`.
 *
 * Guarantee: exact — every window of length `windowMs`, wherever it starts, holds at most
 * `limit` admitted units. Costs memory proportional to the admitted requests in a window.
 */
export class SlidingLog extends MemoryLimiterBase<SlidingLogState> {
  readonly params: Required<WindowConfig>;

  constructor(config: WindowConfig, options?: MemoryLimiterOptions) {
    const params = windowParams(config);
    super(params.limit, params.limit, options);
    this.params = params;
  }

  protected initialState(): SlidingLogState {
    return { times: [], costs: [], head: 0, total: 0 };
  }

  protected decide(state: SlidingLogState, n: number, now: number): Decision {
    const { limit, windowMs } = this.params;
    this.expire(state, now - windowMs);
    if (state.total + n <= limit) {
      state.times.push(Math.max(now, this.newest(state)));
      state.costs.push(n);
      state.total += n;
      return allow(limit, limit - state.total, this.newest(state) + windowMs - now);
    }
    // Wait until enough of the oldest entries have left the window to make room for n.
    let freed = 0;
    let i = state.head;
    while (state.total - freed + n > limit) {
      freed += state.costs[i];
      i += 1;
    }
    const retryAt = state.times[i - 1] + windowMs;
    return deny(limit, limit - state.total, retryAt - now, this.newest(state) + windowMs - now);
  }

  protected idleAt(state: SlidingLogState): number {
    return state.total === 0 ? -Infinity : this.newest(state) + this.params.windowMs;
  }

  private newest(state: SlidingLogState): number {
    return state.times.length > state.head ? state.times[state.times.length - 1] : -Infinity;
  }

  // Drops entries at or before `cutoff`; compacts the arrays once half of them are dead.
  private expire(state: SlidingLogState, cutoff: number): void {
    while (state.head < state.times.length && state.times[state.head] <= cutoff) {
      state.total -= state.costs[state.head];
      state.head += 1;
    }
    if (state.head > 32 && state.head * 2 > state.times.length) {
      state.times = state.times.slice(state.head);
      state.costs = state.costs.slice(state.head);
      state.head = 0;
    }
  }
}
