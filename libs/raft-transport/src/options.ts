import { InvalidTransportOptionsError } from './errors';

/** Default maximum frame length (the value of the length prefix): 16 MiB. */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
/** Default bound on messages waiting in one peer's send queue. */
export const DEFAULT_MAX_QUEUE_MESSAGES = 10_000;
/** Default bound on encoded bytes waiting in one peer's send queue: 64 MiB. */
export const DEFAULT_MAX_QUEUE_BYTES = 64 * 1024 * 1024;
/** Default first reconnect delay ceiling. */
export const DEFAULT_BACKOFF_BASE_MS = 50;
/** Default upper bound of any reconnect delay. */
export const DEFAULT_BACKOFF_CAP_MS = 2_000;
/** Default time allowed for TCP connect plus handshake, on both sides. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 5_000;

/** Reconnect backoff tuning; see {@link backoffDelayMs}. */
export interface BackoffOptions {
  readonly baseMs: number;
  readonly capMs: number;
}

/** Which message gives way when a send queue is full. */
export type DropPolicy = 'drop-newest' | 'drop-oldest';

/** Throws {@link InvalidTransportOptionsError} unless `value` is a positive integer. */
export function requirePositiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new InvalidTransportOptionsError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/** Validates backoff options and fills defaults. */
export function resolveBackoff(options: Partial<BackoffOptions> | undefined): BackoffOptions {
  const baseMs = requirePositiveInteger('backoff.baseMs', options?.baseMs ?? DEFAULT_BACKOFF_BASE_MS);
  const capMs = requirePositiveInteger('backoff.capMs', options?.capMs ?? DEFAULT_BACKOFF_CAP_MS);
  if (capMs < baseMs) {
    throw new InvalidTransportOptionsError(`backoff.capMs (${capMs}) must be >= backoff.baseMs (${baseMs})`);
  }
  return { baseMs, capMs };
}

/** Smallest accepted `maxFrameBytes`: room for a handshake with ids of a sensible length. */
export const MIN_FRAME_BYTES = 256;
/** The length prefix is a u32. */
export const MAX_FRAME_BYTES = 0xffff_ffff;

/** Validates a `maxFrameBytes` option. */
export function requireFrameBytes(value: number): number {
  requirePositiveInteger('maxFrameBytes', value);
  if (value < MIN_FRAME_BYTES || value > MAX_FRAME_BYTES) {
    throw new InvalidTransportOptionsError(`maxFrameBytes must be in [${MIN_FRAME_BYTES}, ${MAX_FRAME_BYTES}], got ${value}`);
  }
  return value;
}
