/** Base class of every error the actor runtime raises; `code` is stable and machine-readable. */
export abstract class ActorError extends Error {
  abstract readonly code: string;
}

/** A `tell` found the actor's bounded mailbox full (overflow policy `reject`). */
export class MailboxFullError extends ActorError {
  readonly code = 'MAILBOX_FULL';
  constructor(
    readonly actor: string,
    readonly capacity: number,
  ) {
    super(`mailbox of actor "${actor}" is full (capacity ${capacity})`);
  }
}

/** The actor is stopping or stopped and accepts no more messages. */
export class ActorStoppedError extends ActorError {
  readonly code = 'ACTOR_STOPPED';
  constructor(readonly actor: string) {
    super(`actor "${actor}" is stopped`);
  }
}

/** An `ask` got no reply within its timeout. */
export class AskTimeoutError extends ActorError {
  readonly code = 'ASK_TIMEOUT';
  constructor(
    readonly actor: string,
    readonly timeoutMs: number,
  ) {
    super(`actor "${actor}" did not reply within ${timeoutMs} ms`);
  }
}

/** A `send` waited for mailbox space longer than its timeout. */
export class SendTimeoutError extends ActorError {
  readonly code = 'SEND_TIMEOUT';
  constructor(
    readonly actor: string,
    readonly timeoutMs: number,
  ) {
    super(`mailbox of actor "${actor}" had no space within ${timeoutMs} ms`);
  }
}

/** `spawn` was given a name that a live actor already has. */
export class DuplicateActorNameError extends ActorError {
  readonly code = 'DUPLICATE_ACTOR_NAME';
  constructor(readonly actor: string) {
    super(`an actor named "${actor}" already exists`);
  }
}

/** The actor system has been shut down and spawns nothing more. */
export class ActorSystemShutDownError extends ActorError {
  readonly code = 'ACTOR_SYSTEM_SHUT_DOWN';
  constructor() {
    super('the actor system has been shut down');
  }
}

/** An option was out of range (non-positive capacity, negative delay, bad name, …). */
export class InvalidActorOptionError extends ActorError {
  readonly code = 'INVALID_ACTOR_OPTION';
  constructor(message: string) {
    super(message);
  }
}

/**
 * What a parent sees when a child's supervisor strategy escalates: the parent fails with
 * this error as if its own `receive` had thrown, and the parent's strategy decides.
 */
export class ChildFailedError extends ActorError {
  readonly code = 'CHILD_FAILED';
  constructor(
    readonly child: string,
    override readonly cause: unknown,
  ) {
    super(`child actor "${child}" failed: ${describeError(cause)}`);
  }
}

/** A short printable description of anything thrown. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
