import { allow, type Decision, deny } from '../core/decision';
import { ceilDiv, floorDiv } from '../core/int-math';
import { requireExactProduct, requirePositiveInteger } from '../core/validate';
import { MemoryLimiterBase, type MemoryLimiterOptions } from './memory-limiter-base';

/** Leaky bucket parameters (meter and queue, in memory and on Redis). */
export interface LeakyBucketConfig {
  /**
   * Bucket volume in units. Meter: the largest burst admitted at once. Queue: the largest
   * backlog (units admitted but not yet leaked, the one leaking included).
   */
  readonly capacity: number;
  /** Units leaked per `leakIntervalMs` (continuously, pro rata). */
  readonly leakTokens: number;
  /** See `leakTokens`. */
  readonly leakIntervalMs: number;
}

/** Validates a {@link LeakyBucketConfig}. @throws InvalidOptionsError */
export function leakyBucketParams(config: LeakyBucketConfig): Required<LeakyBucketConfig> {
  const capacity = requirePositiveInteger('capacity', config.capacity);
  const leakTokens = requirePositiveInteger('leakTokens', config.leakTokens);
  const leakIntervalMs = requirePositiveInteger('leakIntervalMs', config.leakIntervalMs);
  requireExactProduct('capacity × leakIntervalMs', capacity * 2, leakIntervalMs);
  return { capacity, leakTokens, leakIntervalMs };
}

/** Water level in scaled units (1 unit = `leakIntervalMs`; one ms leaks `leakTokens`). */
export interface LeakyBucketState {
  level: number;
  last: number;
}

/** Drains `state` up to `now` (a clock that steps backwards drains nothing). */
export function drain(state: LeakyBucketState, now: number, leakPerMs: number): void {
  const elapsed = Math.max(0, now - state.last);
  state.last = Math.max(state.last, now);
  state.level = Math.max(0, state.level - elapsed * leakPerMs);
}

/**
 * Leaky bucket as a meter (GCRA): each request pours `n` units into a bucket that leaks at
 * `leakTokens / leakIntervalMs`; a request that would overflow `capacity` is non-conforming
 * and rejected (it pours nothing). Implemented as GCRA's continuous-state leaky bucket
 * form (ITU-T I.371), which decides exactly like the virtual-scheduling form with
 * T = leakIntervalMs / leakTokens and τ = (capacity − 1)·T, but keeps small exact integers.
 *
 * Guarantee: in any interval of length t ms at most `capacity + t × leakTokens / leakIntervalMs`
 * units are admitted.
 */
export class LeakyBucketMeter extends MemoryLimiterBase<LeakyBucketState> {
  readonly params: Required<LeakyBucketConfig>;

  constructor(config: LeakyBucketConfig, options?: MemoryLimiterOptions) {
    const params = leakyBucketParams(config);
    super(params.capacity, params.capacity, options);
    this.params = params;
  }

  protected initialState(now: number): LeakyBucketState {
    return { level: 0, last: now };
  }

  protected decide(state: LeakyBucketState, n: number, now: number): Decision {
    const { capacity, leakTokens: leak, leakIntervalMs: unit } = this.params;
    const full = capacity * unit;
    drain(state, now, leak);
    const need = n * unit;
    if (state.level + need <= full) {
      state.level += need;
      return allow(capacity, floorDiv(full - state.level, unit), ceilDiv(state.level, leak));
    }
    return deny(capacity, floorDiv(full - state.level, unit), ceilDiv(state.level + need - full, leak), ceilDiv(state.level, leak));
  }

  protected idleAt(state: LeakyBucketState): number {
    return state.last + ceilDiv(state.level, this.params.leakTokens);
  }
}
