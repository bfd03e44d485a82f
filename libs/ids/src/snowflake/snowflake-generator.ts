import { type SleepSync, systemClock, systemSleepSync } from '../clock';
import { ClockMovedBackwardsError } from '../errors';
import type { IssuePermit } from './issue-permit';
import { type SnowflakeParts, parseSnowflake } from './snowflake-layout';
import { type SnowflakeOptions, resolveSnowflakeOptions } from './snowflake-options';
import { SnowflakeState } from './snowflake-state';
import type { Clock } from '../clock';

/** Options of the synchronous generator. */
export interface SnowflakeGeneratorOptions extends SnowflakeOptions {
  /** Blocking sleep used to wait out a backwards clock. Default parks the thread (no spinning). */
  readonly sleepSync?: SleepSync;
}

/**
 * Synchronous Snowflake generator. Ids from one instance strictly increase.
 *
 * Waiting: when the 4096 ids of a millisecond are used up it busy-waits for the next
 * millisecond (less than 1 ms, finer than any timer). When the clock steps backwards by at
 * most `maxBackwardsWaitMs` (in total per call) it blocks the thread for that long without
 * spinning; beyond that it throws `ClockMovedBackwardsError`. Use {@link AsyncSnowflakeGenerator}
 * where blocking the event loop is unacceptable.
 */
export class SnowflakeGenerator {
  /** The worker id embedded in every id. */
  readonly workerId: number;
  /** The epoch (ms since the Unix epoch) timestamps are counted from. */
  readonly epochMs: number;
  private readonly state: SnowflakeState;
  private readonly clock: Clock;
  private readonly maxBackwardsWaitMs: number;
  private readonly permit: IssuePermit | undefined;
  private readonly sleepSync: SleepSync;

  constructor(options: SnowflakeGeneratorOptions) {
    const resolved = resolveSnowflakeOptions(options, systemClock);
    this.workerId = resolved.workerId;
    this.epochMs = resolved.epochMs;
    this.clock = resolved.clock;
    this.maxBackwardsWaitMs = resolved.maxBackwardsWaitMs;
    this.permit = resolved.permit;
    this.sleepSync = options.sleepSync ?? systemSleepSync;
    this.state = new SnowflakeState(resolved.workerId, resolved.epochMs);
  }

  /**
   * The next id.
   * @throws ClockMovedBackwardsError, TimestampOutOfRangeError, or whatever the permit throws
   *   (e.g. `WorkerIdLeaseLostError`).
   */
  next(): bigint {
    let waitedMs = 0;
    for (;;) {
      this.permit?.assertCanIssue();
      const now = this.clock();
      const step = this.state.step(now);
      if (step.kind === 'issued') return step.id;
      if (step.kind === 'clock-behind') {
        if (waitedMs + step.behindMs > this.maxBackwardsWaitMs) {
          throw new ClockMovedBackwardsError(step.lastTimestamp, now, this.maxBackwardsWaitMs);
        }
        this.sleepSync(step.behindMs);
        waitedMs += step.behindMs;
      }
      // 'sequence-exhausted': spin; the next clock reading is retried immediately.
    }
  }

  /** The next id as a decimal string (safe for JSON and JavaScript numbers' consumers). */
  nextString(): string {
    return this.next().toString();
  }

  /** Splits an id produced with this generator's epoch. */
  parse(id: bigint | string): SnowflakeParts {
    return parseSnowflake(id, this.epochMs);
  }
}
