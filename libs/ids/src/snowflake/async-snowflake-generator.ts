import { type Clock, type Sleep, systemClock, systemSleep } from '../clock';
import { ClockMovedBackwardsError } from '../errors';
import type { IssuePermit } from './issue-permit';
import { type SnowflakeParts, parseSnowflake } from './snowflake-layout';
import { type SnowflakeOptions, resolveSnowflakeOptions } from './snowflake-options';
import { SnowflakeState } from './snowflake-state';

/** Options of the asynchronous generator. */
export interface AsyncSnowflakeGeneratorOptions extends SnowflakeOptions {
  /** Sleep used for every wait. Default `setTimeout`. */
  readonly sleep?: Sleep;
}

/**
 * Asynchronous Snowflake generator: identical ids to {@link SnowflakeGenerator}, but every
 * wait (sequence exhausted within a millisecond, clock behind) sleeps instead of blocking,
 * so other work proceeds. Concurrent callers are safe: each id is decided synchronously.
 */
export class AsyncSnowflakeGenerator {
  /** The worker id embedded in every id. */
  readonly workerId: number;
  /** The epoch (ms since the Unix epoch) timestamps are counted from. */
  readonly epochMs: number;
  private readonly state: SnowflakeState;
  private readonly clock: Clock;
  private readonly maxBackwardsWaitMs: number;
  private readonly permit: IssuePermit | undefined;
  private readonly sleep: Sleep;

  constructor(options: AsyncSnowflakeGeneratorOptions) {
    const resolved = resolveSnowflakeOptions(options, systemClock);
    this.workerId = resolved.workerId;
    this.epochMs = resolved.epochMs;
    this.clock = resolved.clock;
    this.maxBackwardsWaitMs = resolved.maxBackwardsWaitMs;
    this.permit = resolved.permit;
    this.sleep = options.sleep ?? systemSleep;
    this.state = new SnowflakeState(resolved.workerId, resolved.epochMs);
  }

  /**
   * The next id.
   * @throws ClockMovedBackwardsError, TimestampOutOfRangeError, or whatever the permit throws.
   */
  async next(): Promise<bigint> {
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
        await this.sleep(step.behindMs);
        waitedMs += step.behindMs;
      } else {
        await this.sleep(step.lastTimestamp + 1 - now);
      }
    }
  }

  /** The next id as a decimal string. */
  async nextString(): Promise<string> {
    return (await this.next()).toString();
  }

  /** Splits an id produced with this generator's epoch. */
  parse(id: bigint | string): SnowflakeParts {
    return parseSnowflake(id, this.epochMs);
  }
}
