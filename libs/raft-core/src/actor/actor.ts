import type { MailboxOptions } from './mailbox';
import type { Cancel } from './scheduler';
import type { SupervisorOption } from './supervision';

/** Anything that accepts replies: an {@link ActorRef}, or the one-shot channel of an `ask`. */
export interface ReplyTo<R> {
  tell(message: R): void;
}

/** Options of {@link ActorRef.send}. */
export interface SendOptions {
  /** Give up with `SendTimeoutError` after this much scheduler time; default: wait forever. */
  readonly timeoutMs?: number;
}

/** How an actor ended. */
export interface Termination {
  readonly actor: string;
  /** `stopped`: asked to stop (by itself, the system or its parent); `failed`: supervision gave up. */
  readonly reason: 'stopped' | 'failed';
  /** The failure that ended the actor, when `reason` is `failed`. */
  readonly error?: unknown;
}

/** The address of an actor accepting messages of type `M`. */
export interface ActorRef<M> extends ReplyTo<M> {
  /** Unique name in its system; a child's name is `parent/child`. */
  readonly name: string;
  /**
   * Enqueues a message without waiting. Throws `MailboxFullError` when the mailbox is full
   * (overflow policy `reject`) and `ActorStoppedError` once the actor is stopping.
   */
  tell(message: M): void;
  /** Enqueues a message, waiting for mailbox space if needed (backpressure for producers). */
  send(message: M, options?: SendOptions): Promise<void>;
  /**
   * Request/response: builds a message carrying a one-shot reply channel, tells it, and
   * resolves with the first reply, or rejects with `AskTimeoutError` after `timeoutMs` of
   * scheduler time (also if the actor fails or stops without replying). Late replies are ignored.
   */
  ask<R>(build: (replyTo: ReplyTo<R>) => M, timeoutMs: number): Promise<R>;
  /** False once the actor has begun stopping. */
  readonly isAlive: boolean;
  /** Messages queued and not yet delivered. */
  readonly mailboxSize: number;
  /** Settles once the actor has fully stopped (after `postStop`). Never rejects. */
  readonly terminated: Promise<Termination>;
}

/** What an actor can do besides handling its message; one context per incarnation. */
export interface ActorContext<M> {
  readonly self: ActorRef<M>;
  readonly name: string;
  /** 0 for the first instance, incremented by each supervisor restart. */
  readonly incarnation: number;
  /** The scheduler's current time. */
  now(): number;
  /**
   * Delivers `message` to this actor after `delayMs`. Cancelled automatically when this
   * incarnation ends (stop or restart). If the mailbox is full or closed when the timer
   * fires, the message becomes a dead letter.
   */
  schedule(delayMs: number, message: M): Cancel;
  /** Delivers `message` every `intervalMs` until cancelled or this incarnation ends. */
  scheduleRepeating(intervalMs: number, message: M): Cancel;
  /**
   * Starts a child named `<this name>/<name>`. Children are stopped before their parent's
   * `postStop`, including when the parent restarts; a child escalating a failure fails the parent.
   */
  spawn<C>(name: string, factory: ActorFactory<C>, options?: SpawnOptions): ActorRef<C>;
  /** Delivers `toMessage(termination)` to this actor when `ref` terminates (until cancelled or this incarnation ends). */
  watch<T>(ref: ActorRef<T>, toMessage: (termination: Termination) => M): Cancel;
  /** Stops this actor after the current message; remaining queued messages become dead letters. */
  stop(): void;
}

/**
 * An actor's behaviour. `receive` handles one message at a time: if it returns a promise,
 * the next message waits until that promise settles. A throw or rejection is a failure that
 * the supervisor strategy handles.
 */
export interface Actor<M> {
  /** Runs before the first message of each incarnation (load persisted state here). */
  preStart?(ctx: ActorContext<M>): void | Promise<void>;
  receive(message: M, ctx: ActorContext<M>): void | Promise<void>;
  /** Runs when an incarnation ends — on stop and before a restart — after its timers are cancelled and children stopped. */
  postStop?(ctx: ActorContext<M>): void | Promise<void>;
}

/** Creates a fresh actor instance; called at spawn and at every supervisor restart. */
export type ActorFactory<M> = (ctx: ActorContext<M>) => Actor<M>;

/** Options of `spawn`. */
export interface SpawnOptions {
  readonly mailbox?: MailboxOptions;
  /** Default: restart (up to 10 times a minute, no backoff). */
  readonly supervisor?: SupervisorOption;
}

/** A failure reported to the system's `onError` hook. */
export interface ActorFailure {
  readonly actor: string;
  readonly incarnation: number;
  /** Where it failed: handling a message, in `preStart`/the factory, in `postStop`, or a child escalated. */
  readonly phase: 'receive' | 'start' | 'stop' | 'child';
  readonly error: unknown;
  /** True when a message was being handled; that message is dropped (never redelivered). */
  readonly hasMessage: boolean;
  readonly message: unknown;
  /** What supervision did: `restart-limit` means restarts ran out and the actor stopped. */
  readonly outcome: 'restart' | 'stop' | 'escalate' | 'restart-limit' | 'none';
}

/** A message that could not be delivered. */
export interface DeadLetter {
  readonly recipient: string;
  readonly message: unknown;
  /** `stopped`: left in (or sent to) a stopping actor's mailbox; `overflow`: dropped by `drop-oldest`. */
  readonly reason: 'stopped' | 'overflow';
}
