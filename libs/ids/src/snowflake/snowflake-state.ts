import { SNOWFLAKE_MAX_SEQUENCE, SNOWFLAKE_SEQUENCE_BITS, assertValidWorkerId, timestampBits, timestampOffset } from './snowflake-layout';

/** What the generator state decided for one clock reading. */
export type SnowflakeStep =
  | { readonly kind: 'issued'; readonly id: bigint }
  /** All 4096 sequence values of the current ms are used; retry once the clock passes `lastTimestamp`. */
  | { readonly kind: 'sequence-exhausted'; readonly lastTimestamp: number }
  /** The clock reads `behindMs` earlier than the last issued id; retry once it has caught up. */
  | { readonly kind: 'clock-behind'; readonly lastTimestamp: number; readonly behindMs: number };

/**
 * The pure part of a Snowflake generator: given a clock reading, either issue the next id or
 * say why it cannot yet. It never reads a clock or waits, so the sync and async generators
 * share it and differ only in how they wait.
 */
export class SnowflakeState {
  private lastTimestamp = -1;
  private sequence = 0;
  // Cached `timestamp << 22` of the current ms, so the hot path does one small BigInt + OR.
  private base = 0n;
  private readonly workerBits: number;

  constructor(
    readonly workerId: number,
    readonly epochMs: number,
  ) {
    assertValidWorkerId(workerId);
    this.workerBits = workerId * 2 ** SNOWFLAKE_SEQUENCE_BITS;
  }

  /** The timestamp (ms since the Unix epoch) of the most recently issued id, or -1. */
  get lastIssuedTimestamp(): number {
    return this.lastTimestamp;
  }

  /**
   * Issues an id for clock reading `nowMs` if that keeps ids strictly increasing.
   * @throws TimestampOutOfRangeError if `nowMs` is outside the layout's 41-bit range.
   */
  step(nowMs: number): SnowflakeStep {
    if (nowMs === this.lastTimestamp) {
      if (this.sequence >= SNOWFLAKE_MAX_SEQUENCE) {
        return { kind: 'sequence-exhausted', lastTimestamp: this.lastTimestamp };
      }
      this.sequence += 1;
      return { kind: 'issued', id: this.base | BigInt(this.workerBits + this.sequence) };
    }
    if (nowMs > this.lastTimestamp) {
      const offset = timestampOffset(nowMs, this.epochMs);
      this.lastTimestamp = nowMs;
      this.sequence = 0;
      this.base = timestampBits(offset);
      return { kind: 'issued', id: this.base | BigInt(this.workerBits) };
    }
    return { kind: 'clock-behind', lastTimestamp: this.lastTimestamp, behindMs: this.lastTimestamp - nowMs };
  }
}
