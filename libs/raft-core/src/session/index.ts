/** Exactly-once client sessions for replicated state machines. */
export { ClientSessions } from './client-sessions';
export { InvalidSessionOptionError, SessionError, SessionUsageError } from './errors';
export type {
  ApplyOutcome,
  ClientSessionsOptions,
  SessionCommand,
  SessionSnapshot,
  SessionStats,
  SessionsSnapshot,
  SessionsView,
} from './types';
