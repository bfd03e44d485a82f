import { type Clock, readClock, systemClock } from '../core/clock';
import { InvalidCostError, InvalidOptionsError } from '../core/errors';
import { requireKey, requireOneOf, requirePositiveInteger } from '../core/validate';

/** RFC 2698 colors: green conforms to CIR/CBS, yellow exceeds CIR but not PIR, red exceeds PIR. */
export type Color = 'green' | 'yellow' | 'red';

/** RFC 2698 parameters. Rates are in units (bytes, requests, ...) per second. */
export interface TwoRateThreeColorMarkerConfig {
  /** Peak Information Rate (units/s). Must be ≥ CIR. */
  readonly pir: number;
  /** Peak Burst Size (units): size of the peak bucket P. */
  readonly pbs: number;
  /** Committed Information Rate (units/s). */
  readonly cir: number;
  /** Committed Burst Size (units): size of the committed bucket C. */
  readonly cbs: number;
  /** `color-blind` (default) ignores any pre-color; `color-aware` never improves it. */
  readonly mode?: 'color-blind' | 'color-aware';
  /** Milliseconds; default `Date.now`. */
  readonly clock?: Clock;
}

/** Both buckets in scaled units: 1 unit = 1000, so one ms adds exactly PIR (resp. CIR). */
interface MarkerState {
  peak: number;
  committed: number;
  last: number;
}

/**
 * Two Rate Three Color Marker (RFC 2698, trTCM). Marks instead of dropping: the caller
 * decides what yellow and red mean (e.g. serve green, degrade yellow, shed red).
 *
 * Two token buckets start full: P (size PBS, refilled at PIR) and C (size CBS, refilled at
 * CIR). For a packet of size B, color-blind: red if P < B; else yellow if C < B (P −= B);
 * else green (P −= B, C −= B). Color-aware: a red pre-color stays red and a yellow one is
 * never marked green; otherwise the same tests apply.
 */
export class TwoRateThreeColorMarker {
  private readonly pir: number;
  private readonly pbs: number;
  private readonly cir: number;
  private readonly cbs: number;
  private readonly mode: 'color-blind' | 'color-aware';
  private readonly clock: Clock;
  private readonly states = new Map<string, MarkerState>();

  /** @throws InvalidOptionsError for non-positive values or PIR < CIR. */
  constructor(config: TwoRateThreeColorMarkerConfig) {
    this.pir = requirePositiveInteger('pir', config.pir);
    this.pbs = requirePositiveInteger('pbs', config.pbs);
    this.cir = requirePositiveInteger('cir', config.cir);
    this.cbs = requirePositiveInteger('cbs', config.cbs);
    this.mode = requireOneOf('mode', config.mode ?? 'color-blind', ['color-blind', 'color-aware'] as const);
    if (this.pir < this.cir) throw new InvalidOptionsError(`pir (${this.pir}) must be ≥ cir (${this.cir})`);
    this.clock = config.clock ?? systemClock;
  }

  /**
   * Marks a packet of `size` units for `key` and updates the buckets.
   * @param preColor the color assigned upstream (only used in color-aware mode)
   * @throws InvalidKeyError, InvalidCostError (size not a positive integer)
   */
  mark(key: string, size: number, preColor: Color = 'green'): Color {
    requireKey(key);
    if (!Number.isSafeInteger(size) || size <= 0) throw new InvalidCostError(size);
    const now = readClock(this.clock);
    const state = this.refill(key, now);
    const need = size * 1000;
    const aware = this.mode === 'color-aware';
    if ((aware && preColor === 'red') || state.peak < need) return 'red';
    if ((aware && preColor === 'yellow') || state.committed < need) {
      state.peak -= need;
      return 'yellow';
    }
    state.peak -= need;
    state.committed -= need;
    return 'green';
  }

  /** Forgets `key`: both of its buckets are full again. */
  reset(key: string): void {
    this.states.delete(requireKey(key));
  }

  private refill(key: string, now: number): MarkerState {
    let state = this.states.get(key);
    if (state === undefined) {
      state = { peak: this.pbs * 1000, committed: this.cbs * 1000, last: now };
      this.states.set(key, state);
    }
    const elapsed = Math.max(0, now - state.last);
    state.last = Math.max(state.last, now);
    state.peak = Math.min(this.pbs * 1000, state.peak + elapsed * this.pir);
    state.committed = Math.min(this.cbs * 1000, state.committed + elapsed * this.cir);
    return state;
  }
}
