import { RequestIdSession, SequenceSession, type AnySession } from './client-session';
import { InvalidSessionOptionError, SessionUsageError } from './errors';
import type { ApplyOutcome, ClientSessionsOptions, SessionCommand, SessionSnapshot, SessionStats, SessionsSnapshot, SessionsView } from './types';

const DEFAULT_MAX_RESULTS_PER_CLIENT = 128;

/** The state behind an open {@link SessionsView}. */
interface OpenView<R> {
  readonly ids: readonly string[];
  readonly sessions: readonly AnySession<R>[];
  /** Copies of captured sessions taken just before their first change after capture. */
  readonly preserved: Map<AnySession<R>, SessionSnapshot<R>>;
  /** Sessions created after capture: not in the view, never preserved. */
  readonly fresh: Set<AnySession<R>>;
  released: boolean;
}

/**
 * Exactly-once execution of client commands for a replicated state machine (Raft §8,
 * Ongaro's thesis §6.3). Each command names its client and request; a repeated request
 * returns the cached result of its first execution instead of running again.
 *
 * Every decision depends only on the sequence of `apply`/`advance` calls — log indexes and
 * leader-stamped timestamps from the log — never on local clocks, so replicas applying the
 * same log (or restoring the same snapshot) decide identically. Time-based expiry uses the
 * highest timestamp seen so far, so a new leader with a slower clock cannot move time back.
 *
 * Sessions are kept in least-recently-used order; because touches happen with
 * non-decreasing log index and clock, expired sessions are always at the front.
 */
export class ClientSessions<R> {
  private readonly sessions = new Map<string, AnySession<R>>();
  private readonly ttlEntries: number;
  private readonly ttlMs: number;
  private readonly maxResults: number;
  private readonly maxSessions: number;
  private lastIndex = 0;
  private clock: number | null = null;
  private view: OpenView<R> | null = null;
  private readonly counters: SessionStats = {
    executed: 0,
    duplicates: 0,
    expiredRefusals: 0,
    staleRefusals: 0,
    invalid: 0,
    sessionsExpired: 0,
    sessionsEvicted: 0,
  };

  constructor(options: ClientSessionsOptions = {}) {
    this.ttlEntries = positive('ttlEntries', options.ttlEntries ?? Infinity);
    this.ttlMs = positive('ttlMs', options.ttlMs ?? Infinity);
    this.maxResults = positiveInteger('maxResultsPerClient', options.maxResultsPerClient ?? DEFAULT_MAX_RESULTS_PER_CLIENT);
    this.maxSessions = positiveInteger('maxSessions', options.maxSessions ?? Infinity);
  }

  /** Rebuilds sessions from {@link snapshot} output; pass the same options as the original. */
  static restore<R>(snapshot: SessionsSnapshot<R>, options: ClientSessionsOptions = {}): ClientSessions<R> {
    if (snapshot.version !== 1) throw new SessionUsageError(`unknown sessions snapshot version ${String(snapshot.version)}`);
    const restored = new ClientSessions<R>(options);
    restored.lastIndex = snapshot.lastIndex;
    restored.clock = snapshot.clock;
    for (const s of snapshot.sessions) {
      const session =
        s.kind === 'seq'
          ? new SequenceSession<R>(s.lastIndex, s.lastTime, s.floor, new Map(s.results))
          : new RequestIdSession<R>(s.lastIndex, s.lastTime, new Map(s.results));
      restored.sessions.set(s.clientId, session);
    }
    return restored;
  }

  /**
   * Applies one client command from the log. Runs `execute` only if this request has not
   * run before; `execute` must be deterministic and should return failures as results (if it
   * throws, nothing is cached and the error propagates).
   * @throws SessionUsageError if `logIndex` is lower than a previous call's.
   */
  apply(command: SessionCommand, execute: () => R): ApplyOutcome<R> {
    this.advance(command.logIndex, command.timestamp);
    const problem = validate(command);
    if (problem) {
      this.counters.invalid++;
      return { kind: 'invalid', reason: problem };
    }
    const { clientId, requestId } = command;
    let session = this.sessions.get(clientId);
    if (!session) {
      // A sequence session can only start at 1: a higher sequence means the client had a
      // session that is now gone, and its request may already have run.
      if (typeof requestId === 'number' && requestId !== 1) {
        this.counters.expiredRefusals++;
        return { kind: 'session-expired' };
      }
      session = this.createSession(clientId, typeof requestId === 'number' ? 'seq' : 'id');
    } else if ((session.kind === 'seq') !== (typeof requestId === 'number')) {
      this.counters.invalid++;
      return { kind: 'invalid', reason: `client ${clientId} mixes sequence numbers and string request ids` };
    }
    this.preserve(clientId, session);
    this.touch(clientId, session);
    return session instanceof SequenceSession
      ? this.applySequenced(session, requestId as number, command.firstUnacked, execute)
      : this.applyIdentified(session, requestId as string, execute);
  }

  /**
   * Lets log entries that carry no client command (no-ops, configuration changes) move the
   * index and clock, expiring idle sessions. Optional — expiry is also checked by `apply` —
   * but when used it must be used identically on every replica.
   * @returns how many sessions expired.
   */
  advance(logIndex: number, timestamp?: number): number {
    if (!(logIndex >= this.lastIndex)) {
      throw new SessionUsageError(`log index went backwards: ${logIndex} after ${this.lastIndex}`);
    }
    this.lastIndex = logIndex;
    if (timestamp !== undefined && Number.isFinite(timestamp)) {
      if (this.clock === null) {
        // Sessions touched before any timestamp existed start ageing from the first one.
        for (const [clientId, session] of this.sessions) {
          this.preserve(clientId, session);
          session.lastTime = timestamp;
        }
        this.clock = timestamp;
      } else if (timestamp > this.clock) {
        this.clock = timestamp;
      }
    }
    return this.expireIdle();
  }

  /** Plain-data copy of all sessions; restore it with {@link ClientSessions.restore}. */
  snapshot(): SessionsSnapshot<R> {
    return {
      version: 1,
      lastIndex: this.lastIndex,
      clock: this.clock,
      sessions: [...this.sessions].map(([clientId, session]) => session.snapshot(clientId)),
    };
  }

  /**
   * A view of every session as of now that stays exact while `apply` goes on, for writing
   * a snapshot in the background without copying all sessions at once (with 100,000 sessions
   * that copy held the apply loop for 150–190 ms). Release it when done.
   * @throws SessionUsageError if another view is still open.
   */
  capture(): SessionsView<R> {
    if (this.view !== null) throw new SessionUsageError('a sessions view is already open; release it first');
    const open: OpenView<R> = {
      ids: Array.from(this.sessions.keys()),
      sessions: Array.from(this.sessions.values()),
      preserved: new Map(),
      fresh: new Set(),
      released: false,
    };
    this.view = open;
    return {
      lastIndex: this.lastIndex,
      clock: this.clock,
      size: open.ids.length,
      entries: function* () {
        for (let k = 0; k < open.ids.length; k++) {
          if (open.released) throw new SessionUsageError('the sessions view was released');
          const session = open.sessions[k]!;
          yield open.preserved.get(session) ?? session.snapshot(open.ids[k]!);
        }
      },
      release: () => {
        open.released = true;
        if (this.view === open) this.view = null;
      },
    };
  }

  /** Number of live sessions. */
  get size(): number {
    return this.sessions.size;
  }

  /** Number of cached results across all sessions. */
  get cachedResults(): number {
    let total = 0;
    for (const session of this.sessions.values()) total += session.results.size;
    return total;
  }

  /** Whether `clientId` has a live session. */
  has(clientId: string): boolean {
    return this.sessions.has(clientId);
  }

  /** A copy of this replica's counters (not replicated, reset by restore). */
  get stats(): SessionStats {
    return { ...this.counters };
  }

  private applySequenced(
    session: SequenceSession<R>,
    seq: number,
    firstUnacked: number | undefined,
    execute: () => R,
  ): ApplyOutcome<R> {
    if (firstUnacked !== undefined) session.acknowledge(firstUnacked);
    const found = session.lookup(seq);
    if (found.kind === 'cached') return this.duplicate(found.result);
    if (found.kind === 'stale') {
      this.counters.staleRefusals++;
      return { kind: 'stale' };
    }
    const result = execute();
    session.record(seq, result, this.maxResults);
    this.counters.executed++;
    return { kind: 'executed', result };
  }

  private applyIdentified(session: RequestIdSession<R>, id: string, execute: () => R): ApplyOutcome<R> {
    const found = session.lookup(id);
    if (found.kind === 'cached') return this.duplicate(found.result);
    const result = execute();
    session.record(id, result, this.maxResults);
    this.counters.executed++;
    return { kind: 'executed', result };
  }

  private duplicate(result: R): ApplyOutcome<R> {
    this.counters.duplicates++;
    return { kind: 'duplicate', result };
  }

  private createSession(clientId: string, kind: 'seq' | 'id'): AnySession<R> {
    if (this.sessions.size >= this.maxSessions) {
      const [lru] = this.sessions.keys();
      this.sessions.delete(lru);
      this.counters.sessionsEvicted++;
    }
    const session = kind === 'seq' ? new SequenceSession<R>(this.lastIndex, this.clock) : new RequestIdSession<R>(this.lastIndex, this.clock);
    this.view?.fresh.add(session);
    return session;
  }

  /**
   * Called before any change to a session: an open view that holds it keeps a copy of it as
   * it was. (Removing a session from the map needs no copy: the view holds the object.)
   */
  private preserve(clientId: string, session: AnySession<R>): void {
    const view = this.view;
    if (view === null || view.fresh.has(session) || view.preserved.has(session)) return;
    view.preserved.set(session, session.snapshot(clientId));
  }

  /** Marks the session used now and moves it to the most-recently-used end. */
  private touch(clientId: string, session: AnySession<R>): void {
    session.lastIndex = this.lastIndex;
    session.lastTime = this.clock;
    this.sessions.delete(clientId);
    this.sessions.set(clientId, session);
  }

  private expireIdle(): number {
    let expired = 0;
    for (const [clientId, session] of this.sessions) {
      if (!this.isExpired(session)) break; // LRU order: everything after is fresher
      this.sessions.delete(clientId);
      expired++;
    }
    this.counters.sessionsExpired += expired;
    return expired;
  }

  private isExpired(session: AnySession<R>): boolean {
    if (this.lastIndex - session.lastIndex > this.ttlEntries) return true;
    return this.clock !== null && session.lastTime !== null && this.clock - session.lastTime > this.ttlMs;
  }
}

/** Why a command is malformed, or null if it is well formed. */
function validate(command: SessionCommand): string | null {
  const { clientId, requestId, firstUnacked } = command;
  if (typeof clientId !== 'string' || clientId.length === 0) return 'clientId must be a non-empty string';
  if (typeof requestId === 'number') {
    if (!Number.isSafeInteger(requestId) || requestId < 1) return `sequence must be a positive integer, got ${requestId}`;
    if (firstUnacked !== undefined && (!Number.isSafeInteger(firstUnacked) || firstUnacked < 1 || firstUnacked > requestId)) {
      return `firstUnacked must be an integer in [1, ${requestId}], got ${firstUnacked}`;
    }
    return null;
  }
  if (typeof requestId !== 'string' || requestId.length === 0) return 'requestId must be a positive integer or a non-empty string';
  if (firstUnacked !== undefined) return 'firstUnacked applies to sequence numbers only';
  return null;
}

function positive(name: string, value: number): number {
  if (!(value > 0)) throw new InvalidSessionOptionError(`${name} must be > 0, got ${value}`);
  return value;
}

function positiveInteger(name: string, value: number): number {
  if (!(value >= 1) || (value !== Infinity && !Number.isInteger(value))) {
    throw new InvalidSessionOptionError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}
