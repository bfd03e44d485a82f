import type { Clock } from '../clock';
import { InvalidIdsConfigError } from '../errors';
import type { IssuePermit } from './issue-permit';
import { DEFAULT_SNOWFLAKE_EPOCH_MS, assertValidEpoch } from './snowflake-layout';

/** Options shared by the sync and async Snowflake generators. */
export interface SnowflakeOptions {
  /** 0..1023; unique among all generators that run at the same time (see `WorkerIdLeaseKeeper`). */
  readonly workerId: number;
  /** Epoch in ms since the Unix epoch. Default {@link DEFAULT_SNOWFLAKE_EPOCH_MS} (2024-01-01Z). */
  readonly epochMs?: number;
  /** Wall clock in ms. Default `Date.now`. */
  readonly clock?: Clock;
  /**
   * Longest total time one `next()` waits for a clock that went backwards to catch up,
   * before failing with `ClockMovedBackwardsError`. Default 10 ms; 0 fails at once.
   */
  readonly maxBackwardsWaitMs?: number;
  /** Checked before every id; e.g. a `WorkerIdLeaseKeeper`. */
  readonly permit?: IssuePermit;
}

/** Default bound on waiting out a backwards clock step. */
export const DEFAULT_MAX_BACKWARDS_WAIT_MS = 10;

/** Options with defaults applied and values checked. */
export interface ResolvedSnowflakeOptions {
  readonly workerId: number;
  readonly epochMs: number;
  readonly clock: Clock;
  readonly maxBackwardsWaitMs: number;
  readonly permit: IssuePermit | undefined;
}

/** Applies defaults and validates; throws `InvalidIdsConfigError` on bad values. */
export function resolveSnowflakeOptions(options: SnowflakeOptions, defaultClock: Clock): ResolvedSnowflakeOptions {
  const epochMs = options.epochMs ?? DEFAULT_SNOWFLAKE_EPOCH_MS;
  assertValidEpoch(epochMs);
  const maxBackwardsWaitMs = options.maxBackwardsWaitMs ?? DEFAULT_MAX_BACKWARDS_WAIT_MS;
  if (!Number.isFinite(maxBackwardsWaitMs) || maxBackwardsWaitMs < 0) {
    throw new InvalidIdsConfigError(`maxBackwardsWaitMs must be a non-negative number, got ${maxBackwardsWaitMs}`);
  }
  return {
    workerId: options.workerId,
    epochMs,
    clock: options.clock ?? defaultClock,
    maxBackwardsWaitMs,
    permit: options.permit,
  };
}
