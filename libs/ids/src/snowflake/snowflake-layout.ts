import { InvalidIdError, InvalidIdsConfigError, TimestampOutOfRangeError } from '../errors';

/**
 * Bit layout of a Snowflake id (most significant first):
 * `0 | 41-bit ms since epoch | 10-bit worker id | 12-bit sequence`.
 * The top bit stays 0 so ids are positive as signed 64-bit integers (Java/PostgreSQL `bigint`).
 */
export const SNOWFLAKE_TIMESTAMP_BITS = 41;
export const SNOWFLAKE_WORKER_ID_BITS = 10;
export const SNOWFLAKE_SEQUENCE_BITS = 12;

/** Largest worker id (1023). */
export const SNOWFLAKE_MAX_WORKER_ID = 2 ** SNOWFLAKE_WORKER_ID_BITS - 1;
/** Largest sequence value within one millisecond (4095). */
export const SNOWFLAKE_MAX_SEQUENCE = 2 ** SNOWFLAKE_SEQUENCE_BITS - 1;
/** Largest timestamp offset from the epoch, in ms (about 69.7 years). */
export const SNOWFLAKE_MAX_TIMESTAMP_OFFSET = 2 ** SNOWFLAKE_TIMESTAMP_BITS - 1;

/** Default epoch: 2024-01-01T00:00:00.000Z. */
export const DEFAULT_SNOWFLAKE_EPOCH_MS = Date.UTC(2024, 0, 1);

const TIMESTAMP_SHIFT = BigInt(SNOWFLAKE_WORKER_ID_BITS + SNOWFLAKE_SEQUENCE_BITS);
const WORKER_SHIFT = BigInt(SNOWFLAKE_SEQUENCE_BITS);
const MAX_ID = (1n << 63n) - 1n;
const DECIMAL = /^(0|[1-9][0-9]{0,18})$/;

/** The fields of a Snowflake id. */
export interface SnowflakeParts {
  /** Milliseconds since the Unix epoch (the configured epoch already added back). */
  readonly timestamp: number;
  readonly workerId: number;
  readonly sequence: number;
}

/** Throws unless `epochMs` is a usable Snowflake epoch (a non-negative integer of ms). */
export function assertValidEpoch(epochMs: number): void {
  if (!Number.isSafeInteger(epochMs) || epochMs < 0) {
    throw new InvalidIdsConfigError(`epoch must be a non-negative integer of ms, got ${epochMs}`);
  }
}

/** Throws unless `workerId` fits in 10 bits. */
export function assertValidWorkerId(workerId: number): void {
  if (!Number.isInteger(workerId) || workerId < 0 || workerId > SNOWFLAKE_MAX_WORKER_ID) {
    throw new InvalidIdsConfigError(`worker id must be an integer in 0..${SNOWFLAKE_MAX_WORKER_ID}, got ${workerId}`);
  }
}

/**
 * Packs the fields into an id. `timestamp` is absolute (ms since the Unix epoch).
 * @throws TimestampOutOfRangeError if the timestamp is before the epoch or past its 41-bit range.
 */
export function composeSnowflake(parts: SnowflakeParts, epochMs = DEFAULT_SNOWFLAKE_EPOCH_MS): bigint {
  assertValidWorkerId(parts.workerId);
  if (!Number.isInteger(parts.sequence) || parts.sequence < 0 || parts.sequence > SNOWFLAKE_MAX_SEQUENCE) {
    throw new InvalidIdError(`sequence must be an integer in 0..${SNOWFLAKE_MAX_SEQUENCE}, got ${parts.sequence}`);
  }
  const offset = timestampOffset(parts.timestamp, epochMs);
  return (BigInt(offset) << TIMESTAMP_SHIFT) | BigInt(parts.workerId * 2 ** SNOWFLAKE_SEQUENCE_BITS + parts.sequence);
}

/**
 * Splits an id (as `bigint` or its decimal string form) into its fields.
 * @throws InvalidIdError if the value is not a non-negative 63-bit integer.
 */
export function parseSnowflake(id: bigint | string, epochMs = DEFAULT_SNOWFLAKE_EPOCH_MS): SnowflakeParts {
  const value = typeof id === 'string' ? decimalToBigint(id) : id;
  if (value < 0n || value > MAX_ID) {
    throw new InvalidIdError(`snowflake id must be in 0..2^63-1, got ${value}`);
  }
  const low = Number(value & ((1n << TIMESTAMP_SHIFT) - 1n));
  return {
    timestamp: Number(value >> TIMESTAMP_SHIFT) + epochMs,
    workerId: low >>> Number(WORKER_SHIFT),
    sequence: low & SNOWFLAKE_MAX_SEQUENCE,
  };
}

/**
 * Offset of `timestampMs` from the epoch, range-checked.
 * @throws TimestampOutOfRangeError
 */
export function timestampOffset(timestampMs: number, epochMs: number): number {
  const offset = timestampMs - epochMs;
  if (!Number.isInteger(offset) || offset < 0 || offset > SNOWFLAKE_MAX_TIMESTAMP_OFFSET) {
    throw new TimestampOutOfRangeError(
      `timestamp ${timestampMs} is outside the Snowflake range [${epochMs}, ${epochMs + SNOWFLAKE_MAX_TIMESTAMP_OFFSET}]`,
    );
  }
  return offset;
}

/** The high bits of every id issued in millisecond `offset` (worker and sequence still zero). */
export function timestampBits(offset: number): bigint {
  return BigInt(offset) << TIMESTAMP_SHIFT;
}

function decimalToBigint(text: string): bigint {
  if (!DECIMAL.test(text)) {
    throw new InvalidIdError(`snowflake id must be a decimal integer string, got ${JSON.stringify(text)}`);
  }
  return BigInt(text);
}
