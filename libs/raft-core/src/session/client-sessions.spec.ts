import { ClientSessions } from './client-sessions';
import { InvalidSessionOptionError, SessionUsageError } from './errors';
import type { SessionCommand } from './types';

/** Applies a command whose execution records itself and returns a recognisable result. */
function run(sessions: ClientSessions<string>, executed: string[], command: SessionCommand) {
  return sessions.apply(command, () => {
    const result = `${command.clientId}/${command.requestId}@${command.logIndex}`;
    executed.push(result);
    return result;
  });
}

describe('ClientSessions: deduplication', () => {
  it('returns the first result for a duplicate and does not execute twice', () => {
    const s = new ClientSessions<string>();
    const executed: string[] = [];
    expect(run(s, executed, { clientId: 'c', requestId: 1, logIndex: 1 })).toEqual({ kind: 'executed', result: 'c/1@1' });
    expect(run(s, executed, { clientId: 'c', requestId: 1, logIndex: 2 })).toEqual({ kind: 'duplicate', result: 'c/1@1' });
    expect(run(s, executed, { clientId: 'c', requestId: 'x', logIndex: 3 })).toEqual({
      kind: 'invalid',
      reason: 'client c mixes sequence numbers and string request ids',
    });
    expect(executed).toEqual(['c/1@1']);
    expect(s.stats).toMatchObject({ executed: 1, duplicates: 1, invalid: 1 });
  });

  it('keeps different clients independent', () => {
    const s = new ClientSessions<string>();
    const executed: string[] = [];
    run(s, executed, { clientId: 'a', requestId: 1, logIndex: 1 });
    run(s, executed, { clientId: 'b', requestId: 1, logIndex: 2 });
    run(s, executed, { clientId: 'a', requestId: 'r1', logIndex: 3 }); // invalid for a, not b's business
    run(s, executed, { clientId: 'c', requestId: 'r1', logIndex: 4 });
    run(s, executed, { clientId: 'd', requestId: 'r1', logIndex: 5 });
    expect(executed).toEqual(['a/1@1', 'b/1@2', 'c/r1@4', 'd/r1@5']);
    expect(s.size).toBe(4);
  });

  it('handles out-of-order sequences within the retained window', () => {
    const s = new ClientSessions<string>();
    const executed: string[] = [];
    run(s, executed, { clientId: 'c', requestId: 1, logIndex: 1 });
    run(s, executed, { clientId: 'c', requestId: 3, logIndex: 2 });
    expect(run(s, executed, { clientId: 'c', requestId: 2, logIndex: 3 }).kind).toBe('executed');
    expect(run(s, executed, { clientId: 'c', requestId: 3, logIndex: 4 })).toEqual({ kind: 'duplicate', result: 'c/3@2' });
  });

  it('refuses malformed input without throwing', () => {
    const s = new ClientSessions<string>();
    const kinds = [
      { clientId: '', requestId: 1, logIndex: 1 },
      { clientId: 'c', requestId: 0, logIndex: 1 },
      { clientId: 'c', requestId: 1.5, logIndex: 1 },
      { clientId: 'c', requestId: '', logIndex: 1 },
      { clientId: 'c', requestId: 2, firstUnacked: 3, logIndex: 1 },
      { clientId: 'c', requestId: 'r', firstUnacked: 1, logIndex: 1 },
    ].map((command) => s.apply(command, () => 'never').kind);
    expect(kinds).toEqual(Array(6).fill('invalid'));
    expect(s.size).toBe(0);
  });
});

describe('ClientSessions: bounded caches', () => {
  it('discards results below the client’s first unacknowledged sequence; retries of those are stale', () => {
    const s = new ClientSessions<string>();
    const executed: string[] = [];
    for (let seq = 1; seq <= 4; seq++) run(s, executed, { clientId: 'c', requestId: seq, logIndex: seq });
    expect(s.cachedResults).toBe(4);
    expect(run(s, executed, { clientId: 'c', requestId: 5, firstUnacked: 4, logIndex: 5 }).kind).toBe('executed');
    expect(s.cachedResults).toBe(2); // 4 and 5
    expect(run(s, executed, { clientId: 'c', requestId: 2, logIndex: 6 })).toEqual({ kind: 'stale' });
    expect(run(s, executed, { clientId: 'c', requestId: 4, logIndex: 7 })).toEqual({ kind: 'duplicate', result: 'c/4@4' });
    expect(executed).toHaveLength(5);
  });

  it('keeps the last K sequence results and never re-executes an evicted one', () => {
    const s = new ClientSessions<string>({ maxResultsPerClient: 2 });
    const executed: string[] = [];
    for (let seq = 1; seq <= 3; seq++) run(s, executed, { clientId: 'c', requestId: seq, logIndex: seq });
    expect(run(s, executed, { clientId: 'c', requestId: 1, logIndex: 4 })).toEqual({ kind: 'stale' });
    expect(run(s, executed, { clientId: 'c', requestId: 2, logIndex: 5 })).toEqual({ kind: 'duplicate', result: 'c/2@2' });
    expect(executed).toHaveLength(3);
  });

  it('keeps the last K string-id results per client', () => {
    const s = new ClientSessions<string>({ maxResultsPerClient: 2 });
    const executed: string[] = [];
    for (const [i, id] of ['a', 'b', 'c'].entries()) run(s, executed, { clientId: 'k', requestId: id, logIndex: i + 1 });
    expect(run(s, executed, { clientId: 'k', requestId: 'b', logIndex: 4 }).kind).toBe('duplicate');
    expect(run(s, executed, { clientId: 'k', requestId: 'c', logIndex: 5 }).kind).toBe('duplicate');
    // 'a' fell out of the last K: indistinguishable from a new id, so it runs again (documented limit).
    expect(run(s, executed, { clientId: 'k', requestId: 'a', logIndex: 6 })).toEqual({ kind: 'executed', result: 'k/a@6' });
    expect(s.cachedResults).toBe(2);
  });

  it('evicts the least recently used session beyond maxSessions', () => {
    const s = new ClientSessions<string>({ maxSessions: 2 });
    const executed: string[] = [];
    run(s, executed, { clientId: 'a', requestId: 1, logIndex: 1 });
    run(s, executed, { clientId: 'b', requestId: 1, logIndex: 2 });
    run(s, executed, { clientId: 'a', requestId: 2, logIndex: 3 }); // a is now most recent
    run(s, executed, { clientId: 'c', requestId: 1, logIndex: 4 });
    expect([s.has('a'), s.has('b'), s.has('c')]).toEqual([true, false, true]);
    expect(run(s, executed, { clientId: 'b', requestId: 2, logIndex: 5 })).toEqual({ kind: 'session-expired' });
    expect(s.stats.sessionsEvicted).toBe(1);
  });
});

describe('ClientSessions: deterministic expiry', () => {
  it('expires a session untouched for more than ttlEntries entries', () => {
    const s = new ClientSessions<string>({ ttlEntries: 10 });
    const executed: string[] = [];
    run(s, executed, { clientId: 'c', requestId: 1, logIndex: 5 });
    expect(s.advance(15)).toBe(0); // exactly ttlEntries later: still alive
    expect(run(s, executed, { clientId: 'c', requestId: 1, logIndex: 15 }).kind).toBe('duplicate');
    expect(s.advance(26)).toBe(1);
    expect(run(s, executed, { clientId: 'c', requestId: 2, logIndex: 27 })).toEqual({ kind: 'session-expired' });
    expect(s.stats).toMatchObject({ sessionsExpired: 1, expiredRefusals: 1 });
    // A fresh session under a new id works.
    expect(run(s, executed, { clientId: 'c2', requestId: 1, logIndex: 28 }).kind).toBe('executed');
  });

  it('expires by leader time and never lets a slower leader’s clock move time back', () => {
    const s = new ClientSessions<string>({ ttlMs: 1000 });
    const executed: string[] = [];
    run(s, executed, { clientId: 'old', requestId: 1, logIndex: 1 }); // before any timestamp
    run(s, executed, { clientId: 'c', requestId: 1, logIndex: 2, timestamp: 10_000 });
    run(s, executed, { clientId: 'd', requestId: 1, logIndex: 3, timestamp: 10_500 });
    // A new leader whose clock is behind: time stays at 10 500.
    expect(run(s, executed, { clientId: 'd', requestId: 2, logIndex: 4, timestamp: 2_000 }).kind).toBe('executed');
    expect(s.snapshot().clock).toBe(10_500);
    expect(s.advance(5, 11_000)).toBe(0);
    expect(s.advance(6, 11_001)).toBe(2); // 'old' aged from the first timestamp (10 000), and 'c'
    expect([s.has('old'), s.has('c'), s.has('d')]).toEqual([false, false, true]);
    expect(run(s, executed, { clientId: 'c', requestId: 2, logIndex: 7 })).toEqual({ kind: 'session-expired' });
  });

  it('throws a typed error when the host feeds log indexes backwards', () => {
    const s = new ClientSessions<string>();
    s.advance(10);
    let error: unknown;
    try {
      s.apply({ clientId: 'c', requestId: 1, logIndex: 9 }, () => 'x');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SessionUsageError);
    expect((error as SessionUsageError).code).toBe('SESSION_USAGE');
  });

  it('rejects invalid options', () => {
    expect(() => new ClientSessions({ ttlEntries: 0 })).toThrow(InvalidSessionOptionError);
    expect(() => new ClientSessions({ maxResultsPerClient: 1.5 })).toThrow(InvalidSessionOptionError);
  });
});

describe('ClientSessions: snapshots', () => {
  it('round-trips through JSON and keeps deduplicating and expiring identically', () => {
    const options = { ttlEntries: 100, ttlMs: 5000, maxResultsPerClient: 3 };
    const s = new ClientSessions<string>(options);
    const executed: string[] = [];
    run(s, executed, { clientId: 'a', requestId: 1, logIndex: 1, timestamp: 100 });
    run(s, executed, { clientId: 'a', requestId: 2, logIndex: 2, timestamp: 200 });
    run(s, executed, { clientId: 'b', requestId: 'x', logIndex: 3, timestamp: 300 });
    run(s, executed, { clientId: 'a', requestId: 3, firstUnacked: 2, logIndex: 4, timestamp: 400 });
    const snapshot = s.snapshot();
    const restored = ClientSessions.restore<string>(JSON.parse(JSON.stringify(snapshot)), options);
    expect(restored.snapshot()).toEqual(snapshot);
    expect(restored.size).toBe(2);

    const afterRestore: string[] = [];
    expect(run(restored, afterRestore, { clientId: 'a', requestId: 2, logIndex: 5 })).toEqual({ kind: 'duplicate', result: 'a/2@2' });
    expect(run(restored, afterRestore, { clientId: 'a', requestId: 1, logIndex: 6 })).toEqual({ kind: 'stale' });
    expect(run(restored, afterRestore, { clientId: 'b', requestId: 'x', logIndex: 7 })).toEqual({ kind: 'duplicate', result: 'b/x@3' });
    expect(afterRestore).toEqual([]);
    // Both sessions were last touched while the clock stood at 400 (the restored clock).
    expect(restored.advance(8, 5400)).toBe(0);
    expect(restored.advance(9, 5401)).toBe(2);
  });

  it('refuses an unknown snapshot version', () => {
    expect(() => ClientSessions.restore({ version: 2 as 1, lastIndex: 0, clock: null, sessions: [] })).toThrow(SessionUsageError);
  });

  it('opens one view at a time, and a released view cannot be read', () => {
    const sessions = new ClientSessions<string>();
    sessions.apply({ clientId: 'a', requestId: 'r1', logIndex: 1 }, () => 'x');
    const view = sessions.capture();
    expect(() => sessions.capture()).toThrow(SessionUsageError);
    const read = view.entries();
    view.release();
    view.release();
    expect(() => read.next()).toThrow(SessionUsageError);
    expect(sessions.capture().size).toBe(1);
  });

  it('keeps the captured state of a session changed after capture, and leaves out sessions created after it', () => {
    const sessions = new ClientSessions<string>();
    sessions.apply({ clientId: 'a', requestId: 'r1', logIndex: 1, timestamp: 10 }, () => 'first');
    const view = sessions.capture();
    sessions.apply({ clientId: 'a', requestId: 'r2', logIndex: 2, timestamp: 20 }, () => 'second');
    sessions.apply({ clientId: 'b', requestId: 'r1', logIndex: 3, timestamp: 30 }, () => 'other');
    expect([...view.entries()]).toEqual([{ clientId: 'a', kind: 'id', lastIndex: 1, lastTime: 10, results: [['r1', 'first']] }]);
    expect(view.lastIndex).toBe(1);
    expect(view.clock).toBe(10);
  });
});

