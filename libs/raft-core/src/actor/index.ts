/**
 * The actor runtime: typed, bounded mailboxes; one message at a time per actor; supervision
 * with restart limits; timers from an injected scheduler (real or virtual). See README.md.
 */
export type {
  Actor,
  ActorContext,
  ActorFactory,
  ActorFailure,
  ActorRef,
  DeadLetter,
  ReplyTo,
  SendOptions,
  SpawnOptions,
  Termination,
} from './actor';
export { ActorSystem, type ActorSystemOptions, type StopOptions } from './actor-system';
export { ask } from './ask';
export {
  ActorError,
  ActorStoppedError,
  ActorSystemShutDownError,
  AskTimeoutError,
  ChildFailedError,
  DuplicateActorNameError,
  InvalidActorOptionError,
  MailboxFullError,
  SendTimeoutError,
} from './errors';
export { DEFAULT_MAILBOX_CAPACITY, type MailboxOptions, type OverflowPolicy } from './mailbox';
export { RealScheduler, type RealSchedulerOptions } from './real-scheduler';
export type { Cancel, Scheduler } from './scheduler';
export {
  DEFAULT_SUPERVISOR_STRATEGY,
  type BackoffOptions,
  type SupervisorDirective,
  type SupervisorOption,
  type SupervisorStrategy,
} from './supervision';
export { VirtualScheduler, type VirtualSchedulerOptions } from './virtual-scheduler';
