import { readClock } from '../core/clock';
import { allow, type Decision, deny } from '../core/decision';
import { AcquireTimeoutError, QueueFullError } from '../core/errors';
import { ceilDiv, floorDiv } from '../core/int-math';
import type { AcquireOptions } from '../core/rate-limiter';
import { requireCost, requireKey, requireNonNegativeInteger } from '../core/validate';
import { drain, type LeakyBucketConfig, leakyBucketParams, type LeakyBucketState } from './leaky-bucket-meter';
import { MemoryLimiterBase, type MemoryLimiterOptions } from './memory-limiter-base';

/** What a reservation in a leaky-bucket queue yielded. */
export type QueueReservation =
  | { readonly kind: 'reserved'; readonly delayMs: number }
  | { readonly kind: 'full'; readonly retryAfterMs: number }
  | { readonly kind: 'too-late'; readonly delayMs: number };

/**
 * Leaky bucket as a queue (traffic shaping): admitted requests leave one after another at
 * exactly the leak rate — a request of `n` units occupies the outlet for
 * `n × leakIntervalMs / leakTokens` ms — and there are no bursts. `acquire` joins the queue
 * (first come, first served) and resolves when the request's turn comes; the queue is
 * bounded by `capacity` units of backlog (beyond that: `QueueFullError`). `tryAcquire`
 * never queues: it is admitted only when the outlet is free right now.
 *
 * Guarantee: departures of consecutive requests are at least `n × leakIntervalMs / leakTokens`
 * ms apart (the departure time is rounded up to whole ms), so any interval of length t ms
 * sees at most `t × leakTokens / leakIntervalMs + n_last` units leave.
 */
export class LeakyBucketQueue extends MemoryLimiterBase<LeakyBucketState> {
  readonly params: Required<LeakyBucketConfig>;

  constructor(config: LeakyBucketConfig, options?: MemoryLimiterOptions) {
    const params = leakyBucketParams(config);
    super(params.capacity, params.capacity, options);
    this.params = params;
  }

  /**
   * Joins the queue and waits for this request's turn.
   * @throws QueueFullError when the backlog has no room for `n` units,
   *   AcquireTimeoutError when the turn would come after `timeoutMs` (nothing is reserved)
   */
  override async acquire(key: string, n = 1, options?: AcquireOptions): Promise<void> {
    requireKey(key);
    requireCost(n, this.maxCost);
    const maxDelayMs = options?.timeoutMs === undefined ? Infinity : requireNonNegativeInteger('timeoutMs', options.timeoutMs);
    const now = readClock(this.clock);
    const reservation = this.withState(key, now, (state) => this.reserve(state, n, now, maxDelayMs));
    if (reservation.kind === 'full') throw new QueueFullError(reservation.retryAfterMs);
    if (reservation.kind === 'too-late') throw new AcquireTimeoutError(maxDelayMs, reservation.delayMs);
    if (reservation.delayMs > 0) await this.sleep(reservation.delayMs);
  }

  protected initialState(now: number): LeakyBucketState {
    return { level: 0, last: now };
  }

  protected decide(state: LeakyBucketState, n: number, now: number): Decision {
    const { capacity, leakTokens: leak, leakIntervalMs: unit } = this.params;
    const reservation = this.reserve(state, n, now, 0);
    const room = floorDiv(capacity * unit - state.level, unit);
    if (reservation.kind === 'reserved') return allow(capacity, room, ceilDiv(state.level, leak));
    // With no waiting allowed, only a busy outlet denies (an idle one always has room for
    // n ≤ capacity), and it is free again once the backlog has leaked.
    return deny(capacity, room, ceilDiv(state.level, leak), ceilDiv(state.level, leak));
  }

  protected idleAt(state: LeakyBucketState): number {
    return state.last + ceilDiv(state.level, this.params.leakTokens);
  }

  // The request leaves once the backlog ahead of it has leaked: after level / leak ms.
  private reserve(state: LeakyBucketState, n: number, now: number, maxDelayMs: number): QueueReservation {
    const { capacity, leakTokens: leak, leakIntervalMs: unit } = this.params;
    drain(state, now, leak);
    const need = n * unit;
    const overflow = state.level + need - capacity * unit;
    if (overflow > 0) return { kind: 'full', retryAfterMs: ceilDiv(overflow, leak) };
    const delayMs = ceilDiv(state.level, leak);
    if (delayMs > maxDelayMs) return { kind: 'too-late', delayMs };
    state.level += need;
    return { kind: 'reserved', delayMs };
  }
}
