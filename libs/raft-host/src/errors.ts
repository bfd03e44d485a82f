/** Base of every error the host raises; `code` is stable and machine-readable. */
export abstract class HostError extends Error {
  abstract readonly code: string;
}

/** The deadline passed before the command was seen applied: it may or may not take effect. */
export class OutcomeUnknownError extends HostError {
  readonly code = 'OUTCOME_UNKNOWN';
  constructor() {
    super('outcome unknown: the command may still be applied; retry with the same ids');
  }
}

/** A linearizable read could not be confirmed (no leader, leadership lost, deadline). */
export class ReadUnavailableError extends HostError {
  readonly code = 'READ_UNAVAILABLE';
  constructor(readonly reason: string) {
    super(`read could not be confirmed: ${reason}`);
  }
}

/** The host is stopped or failed (e.g. a storage error): it no longer acknowledges anything. */
export class HostStoppedError extends HostError {
  readonly code = 'HOST_STOPPED';
  constructor(override readonly cause?: unknown) {
    super(cause ? `raft host stopped after a fatal error: ${String(cause)}` : 'raft host is stopped');
  }
}

/** The host was given options it cannot work with; `message` names the option. */
export class HostOptionsError extends HostError {
  readonly code = 'INVALID_OPTIONS';
}
