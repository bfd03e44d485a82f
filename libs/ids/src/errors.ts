/**
 * Typed errors raised by `@raft/ids`. Every error carries a stable `code` so callers can
 * branch on it without matching message text (messages may change; codes do not).
 */
export abstract class IdsError extends Error {
  /** Stable, machine-readable identifier of the failure. */
  abstract readonly code: string;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A configuration value is outside its allowed range. */
export class InvalidIdsConfigError extends IdsError {
  readonly code = 'IDS_INVALID_CONFIG';
}

/** An id (or its textual form) is not a well-formed value of the expected kind. */
export class InvalidIdError extends IdsError {
  readonly code = 'IDS_INVALID_ID';
}

/**
 * The clock went backwards further than the generator is allowed to wait out. Issuing an
 * id now could repeat one already issued, so the generator refuses.
 */
export class ClockMovedBackwardsError extends IdsError {
  readonly code = 'IDS_CLOCK_MOVED_BACKWARDS';

  constructor(
    /** Highest timestamp (ms since the Unix epoch) already used for an id. */
    readonly lastTimestampMs: number,
    /** The clock reading that was behind it. */
    readonly nowMs: number,
    /** The configured bound on how long the generator waits for the clock to catch up. */
    readonly maxWaitMs: number,
  ) {
    super(
      `clock moved backwards by ${lastTimestampMs - nowMs} ms (last id at ${lastTimestampMs}, now ${nowMs}); ` +
        `refusing to wait more than ${maxWaitMs} ms`,
    );
  }
}

/** The clock is outside the range the id layout can represent (before its epoch or past its end). */
export class TimestampOutOfRangeError extends IdsError {
  readonly code = 'IDS_TIMESTAMP_OUT_OF_RANGE';
}

/** More ObjectIds were requested within one second than the 24-bit counter can keep unique. */
export class ObjectIdCounterExhaustedError extends IdsError {
  readonly code = 'IDS_OBJECT_ID_COUNTER_EXHAUSTED';
}

/** No worker id in the configured range is free to lease. */
export class NoWorkerIdAvailableError extends IdsError {
  readonly code = 'IDS_NO_WORKER_ID_AVAILABLE';
}

/**
 * The worker-id lease is no longer known to be held (renewal refused, or not confirmed
 * before the local safety deadline). Ids must not be issued with that worker id.
 */
export class WorkerIdLeaseLostError extends IdsError {
  readonly code = 'IDS_WORKER_ID_LEASE_LOST';

  constructor(
    readonly workerId: number,
    readonly reason: 'renewal-refused' | 'expired' | 'released',
  ) {
    super(`worker id ${workerId} lease is not held (${reason}); refusing to issue ids`);
  }
}

/** A sequence scope would exceed the largest exactly representable integer (2^53 - 1). */
export class SequenceOverflowError extends IdsError {
  readonly code = 'IDS_SEQUENCE_OVERFLOW';
}

/** A sequence block store answered with something that violates its contract. */
export class SequenceStoreError extends IdsError {
  readonly code = 'IDS_SEQUENCE_STORE_ERROR';
}
