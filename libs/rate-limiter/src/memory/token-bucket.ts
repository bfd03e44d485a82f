import { allow, type Decision, deny } from '../core/decision';
import { ceilDiv, floorDiv } from '../core/int-math';
import { requireExactProduct, requireOneOf, requirePositiveInteger } from '../core/validate';
import { MemoryLimiterBase, type MemoryLimiterOptions } from './memory-limiter-base';

/**
 * `strict`: a request is admitted only if the bucket holds all `n` tokens.
 * `borrow` (Guava `RateLimiter` semantics): a request is admitted whenever the bucket is
 * not in debt, even if it holds fewer than `n` tokens; the missing tokens are borrowed from
 * the future and the *next* caller waits until the debt is repaid.
 */
export type TokenBucketMode = 'strict' | 'borrow';

/** Token bucket parameters (shared by the in-memory and the Redis versions). */
export interface TokenBucketConfig {
  /** Bucket size: the largest burst, and the largest `n`. */
  readonly capacity: number;
  /** Tokens added per `refillIntervalMs` (added continuously, pro rata, not in steps). */
  readonly refillTokens: number;
  /** See `refillTokens`. */
  readonly refillIntervalMs: number;
  /** Default `strict`. */
  readonly mode?: TokenBucketMode;
}

/** Validated token bucket parameters in the scaled integer units used by the arithmetic. */
export interface TokenBucketParams {
  readonly capacity: number;
  readonly refillTokens: number;
  readonly refillIntervalMs: number;
  readonly mode: TokenBucketMode;
}

/** Validates a {@link TokenBucketConfig}. @throws InvalidOptionsError */
export function tokenBucketParams(config: TokenBucketConfig): TokenBucketParams {
  const capacity = requirePositiveInteger('capacity', config.capacity);
  const refillTokens = requirePositiveInteger('refillTokens', config.refillTokens);
  const refillIntervalMs = requirePositiveInteger('refillIntervalMs', config.refillIntervalMs);
  const mode = requireOneOf('mode', config.mode ?? 'strict', ['strict', 'borrow'] as const);
  requireExactProduct('capacity × refillIntervalMs', capacity * 2, refillIntervalMs);
  return { capacity, refillTokens, refillIntervalMs, mode };
}

/**
 * Token level in scaled units: 1 token = `refillIntervalMs` units, so that one millisecond
 * adds exactly `refillTokens` units and all arithmetic stays in exact integers.
 */
interface TokenBucketState {
  level: number;
  last: number;
}

/**
 * Token bucket: tokens accrue at `refillTokens / refillIntervalMs` up to `capacity`; a
 * request takes `n` tokens.
 *
 * Guarantee (strict): in any interval of length t ms the admitted units are at most
 * `capacity + t × refillTokens / refillIntervalMs`. Borrow mode adds at most the `n` of the
 * last admitted request (≤ `capacity`) on top, and never admits while in debt.
 */
export class TokenBucket extends MemoryLimiterBase<TokenBucketState> {
  readonly params: TokenBucketParams;

  constructor(config: TokenBucketConfig, options?: MemoryLimiterOptions) {
    const params = tokenBucketParams(config);
    super(params.capacity, params.capacity, options);
    this.params = params;
  }

  protected initialState(now: number): TokenBucketState {
    return { level: this.params.capacity * this.params.refillIntervalMs, last: now };
  }

  protected decide(state: TokenBucketState, n: number, now: number): Decision {
    const { capacity, refillTokens: rate, refillIntervalMs: unit, mode } = this.params;
    const full = capacity * unit;
    // A clock that steps backwards must neither refill nor rewind the bucket.
    const elapsed = Math.max(0, now - state.last);
    state.last = Math.max(state.last, now);
    state.level = Math.min(full, state.level + elapsed * rate);
    const need = n * unit;
    const admissible = mode === 'strict' ? state.level >= need : state.level >= 0;
    if (admissible) {
      state.level -= need;
      return allow(capacity, floorDiv(state.level, unit), ceilDiv(full - state.level, rate));
    }
    const shortfall = mode === 'strict' ? need - state.level : -state.level;
    return deny(capacity, floorDiv(state.level, unit), ceilDiv(shortfall, rate), ceilDiv(full - state.level, rate));
  }

  protected idleAt(state: TokenBucketState): number {
    const full = this.params.capacity * this.params.refillIntervalMs;
    return state.last + ceilDiv(full - state.level, this.params.refillTokens);
  }
}
