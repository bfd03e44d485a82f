/** Base class of every error the session helper raises; `code` is stable and machine-readable. */
export abstract class SessionError extends Error {
  abstract readonly code: string;
}

/**
 * The host used the helper against its contract (log indexes going backwards, a snapshot of
 * an unknown version). A bug in the state machine, never caused by client input.
 */
export class SessionUsageError extends SessionError {
  readonly code = 'SESSION_USAGE';
  constructor(message: string) {
    super(message);
  }
}

/** An option was out of range. */
export class InvalidSessionOptionError extends SessionError {
  readonly code = 'INVALID_SESSION_OPTION';
  constructor(message: string) {
    super(message);
  }
}
