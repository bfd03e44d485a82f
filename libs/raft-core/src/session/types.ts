/**
 * One client command as the replicated state machine sees it. Everything here must come
 * from the log entry, so every replica sees exactly the same values.
 */
export interface SessionCommand {
  readonly clientId: string;
  /**
   * A positive integer sequence number the client increments per request (a client starts
   * its session with 1), or an opaque non-empty string id. A client uses one kind only.
   */
  readonly requestId: number | string;
  /**
   * Sequence numbers only: the lowest sequence the client has not yet seen a reply for.
   * Results of lower sequences are discarded; retrying them yields `stale`.
   */
  readonly firstUnacked?: number;
  /** Index of the log entry carrying the command. Non-decreasing across calls. */
  readonly logIndex: number;
  /** Leader-assigned time (ms) stamped into the entry, if the state machine uses time-based expiry. */
  readonly timestamp?: number;
}

/**
 * What applying a command did:
 * - `executed`: first time seen; `execute` ran and its result is cached;
 * - `duplicate`: seen before; the cached result of the first execution, `execute` not run;
 * - `session-expired`: the client's session is gone (expired or evicted) and the request
 *   cannot be a session start, so it is refused rather than possibly run twice; the client
 *   must start over with a new client id;
 * - `stale`: a sequence below what the session still remembers (acknowledged or evicted);
 *   it may have run already, so it is not run again;
 * - `invalid`: malformed client input (bad ids, mixed id kinds); refused without failing the
 *   state machine, because every replica must keep applying the log.
 */
export type ApplyOutcome<R> =
  | { readonly kind: 'executed'; readonly result: R }
  | { readonly kind: 'duplicate'; readonly result: R }
  | { readonly kind: 'session-expired' }
  | { readonly kind: 'stale' }
  | { readonly kind: 'invalid'; readonly reason: string };

/** Options of `ClientSessions`. All replicas of one state machine must use the same values. */
export interface ClientSessionsOptions {
  /** Drop a session untouched for more than this many log entries. Default: never. */
  readonly ttlEntries?: number;
  /** Drop a session untouched for more than this much leader time (needs timestamps). Default: never. */
  readonly ttlMs?: number;
  /** Results kept per client (K); older ones are discarded. Default 128. */
  readonly maxResultsPerClient?: number;
  /** Sessions kept at most; creating one more evicts the least recently used. Default: unbounded. */
  readonly maxSessions?: number;
}

/** One client's session inside a {@link SessionsSnapshot}. */
export type SessionSnapshot<R> =
  | {
      readonly clientId: string;
      readonly kind: 'seq';
      readonly lastIndex: number;
      readonly lastTime: number | null;
      /** Lowest sequence still answerable; lower ones are `stale`. */
      readonly floor: number;
      readonly results: readonly (readonly [number, R])[];
    }
  | {
      readonly clientId: string;
      readonly kind: 'id';
      readonly lastIndex: number;
      readonly lastTime: number | null;
      readonly results: readonly (readonly [string, R])[];
    };

/**
 * Plain data (JSON-serialisable when `R` is) capturing every session, in least-recently-used
 * order, so a restored replica makes exactly the same decisions as the original.
 */
export interface SessionsSnapshot<R> {
  readonly version: 1;
  /** Highest log index applied. */
  readonly lastIndex: number;
  /** The state machine's clock: the highest leader timestamp seen, or null if none. */
  readonly clock: number | null;
  readonly sessions: readonly SessionSnapshot<R>[];
}

/**
 * The sessions as they were at one moment, copied lazily (see `ClientSessions.capture`):
 * taking it costs a copy of two reference arrays, and each session is copied only when the
 * view reaches it — or, if `apply` is about to change it first, just before that change.
 */
export interface SessionsView<R> {
  /** Highest log index applied at capture. */
  readonly lastIndex: number;
  /** The clock at capture (highest leader timestamp seen, or null). */
  readonly clock: number | null;
  /** Number of sessions in the view. */
  readonly size: number;
  /**
   * The sessions at capture, in least-recently-used order.
   * @throws SessionUsageError when iterated after {@link release}.
   */
  entries(): IterableIterator<SessionSnapshot<R>>;
  /** Closes the view; the sessions stop preserving copies for it. Idempotent. */
  release(): void;
}

/** Counters for observability. Local to this replica: not part of snapshots. */
export interface SessionStats {
  executed: number;
  duplicates: number;
  expiredRefusals: number;
  staleRefusals: number;
  invalid: number;
  sessionsExpired: number;
  sessionsEvicted: number;
}
