import fc from 'fast-check';
import { ClientSessions } from './client-sessions';
import type { ApplyOutcome, ClientSessionsOptions, SessionCommand } from './types';

/** Seeded so failures replay; fast-check prints the seed and counterexample on failure. */
const SEED = Number(process.env['FC_SEED'] ?? 0x5e55);
const RUNS = 300;

/** A log step: a client command, or an entry without one (no-op) that only moves index/time. */
type Step = { readonly command: Omit<SessionCommand, 'logIndex' | 'timestamp'> | null; readonly indexGap: number; readonly time: number | undefined };

const commandArb = fc.oneof(
  fc.record({
    clientId: fc.constantFrom('a', 'b', 'c'),
    requestId: fc.integer({ min: 1, max: 6 }),
    firstUnacked: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
  }),
  fc.record({ clientId: fc.constantFrom('s', 't'), requestId: fc.constantFrom('r1', 'r2', 'r3', 'r4') }),
);
const stepArb: fc.Arbitrary<Step> = fc.record({
  command: fc.option(commandArb, { nil: null, freq: 5 }),
  indexGap: fc.integer({ min: 0, max: 4 }),
  // Leader time jitters, including going backwards after a leader change.
  time: fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }),
});
const optionsArb: fc.Arbitrary<ClientSessionsOptions> = fc.record(
  {
    ttlEntries: fc.integer({ min: 1, max: 30 }),
    ttlMs: fc.integer({ min: 1, max: 300 }),
    maxResultsPerClient: fc.integer({ min: 1, max: 4 }),
    maxSessions: fc.integer({ min: 1, max: 5 }),
  },
  { requiredKeys: [] },
);

/** Applies `steps` from `from` on, returning outcomes; execution results name the entry that ran. */
function replay(sessions: ClientSessions<string>, steps: readonly Step[], from: number, to: number): ApplyOutcome<string>[] {
  const outcomes: ApplyOutcome<string>[] = [];
  let logIndex = 1;
  for (let i = 0; i < to; i++) {
    const { command, indexGap, time } = steps[i];
    logIndex += indexGap;
    if (i < from) continue;
    if (command === null) sessions.advance(logIndex, time);
    else outcomes.push(sessions.apply({ ...command, logIndex, timestamp: time }, () => `${command.clientId}/${command.requestId}@${logIndex}`));
  }
  return outcomes;
}

describe('ClientSessions properties', () => {
  it('two replicas applying the same stream decide identically, even if one restores from a snapshot midway', () => {
    fc.assert(
      fc.property(optionsArb, fc.array(stepArb, { maxLength: 120 }), fc.nat(), (options, steps, cut) => {
        const split = steps.length === 0 ? 0 : cut % (steps.length + 1);
        const first = new ClientSessions<string>(options);
        const firstOutcomes = replay(first, steps, 0, steps.length);

        const second = new ClientSessions<string>(options);
        const before = replay(second, steps, 0, split);
        const restored = ClientSessions.restore<string>(JSON.parse(JSON.stringify(second.snapshot())), options);
        const after = replay(restored, steps, split, steps.length);

        expect([...before, ...after]).toEqual(firstOutcomes);
        expect(restored.snapshot()).toEqual(first.snapshot());
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('without expiry or eviction, every request executes at most once and duplicates return its first result', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 150 }), (steps) => {
        const sessions = new ClientSessions<string>({ maxResultsPerClient: 1000 });
        const executions = new Map<string, string>();
        let logIndex = 1;
        for (const { command, indexGap, time } of steps) {
          logIndex += indexGap;
          if (command === null) continue;
          // Acks would legitimately make old requests stale; leave them out here.
          const request = { clientId: command.clientId, requestId: command.requestId };
          const key = `${request.clientId}/${request.requestId}`;
          let ran = 0;
          const outcome = sessions.apply({ ...request, logIndex, timestamp: time }, () => `${key}@${logIndex}#${++ran}`);
          if (outcome.kind === 'executed') {
            expect(executions.has(key)).toBe(false);
            executions.set(key, outcome.result);
          } else if (outcome.kind === 'duplicate') {
            expect(outcome.result).toBe(executions.get(key));
            expect(ran).toBe(0);
          } else {
            // The only refusal possible here: a sequence client whose first request was not seq 1.
            expect(outcome).toEqual({ kind: 'session-expired' });
            expect(typeof request.requestId).toBe('number');
            expect(sessions.has(request.clientId)).toBe(false);
          }
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('a captured view yields exactly the sessions at capture, however they change while it is read', () => {
    fc.assert(
      fc.property(optionsArb, fc.array(stepArb, { maxLength: 120 }), fc.nat(), fc.nat(), (options, steps, cut, readEvery) => {
        const split = steps.length === 0 ? 0 : cut % (steps.length + 1);
        const sessions = new ClientSessions<string>(options);
        replay(sessions, steps, 0, split);
        const expected = JSON.parse(JSON.stringify(sessions.snapshot()));
        const view = sessions.capture();
        const read = view.entries();
        const got = [];
        // Interleave reading the view with applying the rest of the stream.
        const stride = (readEvery % 3) + 1;
        let logIndex = 1;
        for (let i = 0; i < steps.length; i++) {
          const { command, indexGap, time } = steps[i];
          logIndex += indexGap;
          if (i < split) continue;
          if (command === null) sessions.advance(logIndex, time);
          else sessions.apply({ ...command, logIndex, timestamp: time }, () => `${command.clientId}/${command.requestId}@${logIndex}`);
          if (i % stride === 0) {
            const next = read.next();
            if (!next.done) got.push(next.value);
          }
        }
        for (let next = read.next(); !next.done; next = read.next()) got.push(next.value);
        view.release();
        expect(JSON.parse(JSON.stringify({ version: 1, lastIndex: view.lastIndex, clock: view.clock, sessions: got }))).toEqual(expected);
        expect(view.size).toBe(expected.sessions.length);
        // Released: a new view can be taken.
        expect(sessions.capture().size).toBe(sessions.size);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
