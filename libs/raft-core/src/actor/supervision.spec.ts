import { ChildFailedError } from './errors';
import { RestartBudget, DEFAULT_SUPERVISOR_STRATEGY } from './supervision';
import { virtualSystem } from './test-kit';

/** A persisted store the factory reloads from, as a Raft node reloads its storage. */
function persistentCounter() {
  const disk = { total: 0 };
  const created: number[] = [];
  const factory = () => {
    let total = -1;
    return {
      preStart(ctx: { incarnation: number }) {
        created.push(ctx.incarnation);
        total = disk.total;
      },
      receive(n: number) {
        if (n < 0) throw new Error(`bad input ${n}`);
        total += n;
        disk.total = total;
      },
    };
  };
  return { disk, created, factory };
}

describe('supervision', () => {
  it('restart re-creates the actor from its factory, drops and reports the failing message, keeps the mailbox', async () => {
    const { system, settle, failures } = virtualSystem();
    const { disk, created, factory } = persistentCounter();
    const ref = system.spawn<number>('counter', factory);
    for (const n of [1, 2, -1, 4, 8]) ref.tell(n);
    await settle();
    expect(created).toEqual([0, 1]);
    expect(disk.total).toBe(15);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ actor: 'counter', incarnation: 0, phase: 'receive', hasMessage: true, message: -1, outcome: 'restart' });
    expect((failures[0].error as Error).message).toBe('bad input -1');
    expect(ref.isAlive).toBe(true);
  });

  it('stops for good once restarts within the window run out, and reports the death', async () => {
    const { system, settle, failures, deadLetters } = virtualSystem();
    const { created, factory } = persistentCounter();
    const ref = system.spawn<number>('counter', factory, { supervisor: { maxRestarts: 2, withinMs: 1000 } });
    const deaths: unknown[] = [];
    system.watch(ref, (t) => deaths.push(t));
    for (const n of [-1, -2, -3, 5]) ref.tell(n);
    await settle();
    expect(created).toEqual([0, 1, 2]);
    expect(failures.map((f) => f.outcome)).toEqual(['restart', 'restart', 'restart-limit']);
    expect(ref.isAlive).toBe(false);
    expect(system.lookup('counter')).toBeUndefined();
    expect(deadLetters).toEqual([{ recipient: 'counter', message: 5, reason: 'stopped' }]);
    expect(deaths).toHaveLength(1);
    expect(deaths[0]).toMatchObject({ actor: 'counter', reason: 'failed' });
    expect(((deaths[0] as { error: Error }).error).message).toBe('bad input -3');
  });

  it('forgets restarts that fall out of the window and backs off exponentially', async () => {
    const { system, scheduler, settle, failures } = virtualSystem();
    const { created, factory } = persistentCounter();
    const ref = system.spawn<number>('counter', factory, {
      supervisor: { maxRestarts: 2, withinMs: 100, backoff: { initialMs: 10, maxMs: 15 } },
    });
    ref.tell(-1);
    await settle();
    expect(created).toEqual([0]); // first restart waits 10 ms
    await scheduler.advance(10);
    expect(created).toEqual([0, 1]);
    ref.tell(-1);
    await scheduler.advance(14);
    expect(created).toEqual([0, 1]); // second restart waits min(maxMs 15, 10·2) = 15 ms
    await scheduler.advance(1);
    expect(created).toEqual([0, 1, 2]);
    await scheduler.advance(200); // both earlier restarts leave the window
    ref.tell(-1);
    await scheduler.advance(10);
    expect(created).toEqual([0, 1, 2, 3]);
    expect(failures.map((f) => f.outcome)).toEqual(['restart', 'restart', 'restart']);
    expect(ref.isAlive).toBe(true);
  });

  it('stop strategy stops the actor at the first failure', async () => {
    const { system, settle, failures } = virtualSystem();
    const { created, factory } = persistentCounter();
    const ref = system.spawn<number>('counter', factory, { supervisor: 'stop' });
    ref.tell(-1);
    ref.tell(1);
    await settle();
    expect(created).toEqual([0]);
    expect(failures.map((f) => f.outcome)).toEqual(['stop']);
    expect(await ref.terminated).toMatchObject({ actor: 'counter', reason: 'failed' });
  });

  it('decide picks the directive per error', async () => {
    const { system, settle, failures } = virtualSystem();
    const { created, factory } = persistentCounter();
    const ref = system.spawn<number>('counter', factory, {
      supervisor: { decide: (e) => ((e as Error).message.includes('-2') ? 'stop' : 'restart') },
    });
    ref.tell(-1);
    ref.tell(-2);
    await settle();
    expect(created).toEqual([0, 1]);
    expect(failures.map((f) => f.outcome)).toEqual(['restart', 'stop']);
    expect(ref.isAlive).toBe(false);
  });

  it('a failing preStart is supervised like a failing receive', async () => {
    const { system, settle, failures } = virtualSystem();
    let attempts = 0;
    const seen: string[] = [];
    const ref = system.spawn<string>('flaky', () => ({
      preStart() {
        if (++attempts < 3) throw new Error('storage not ready');
      },
      receive: (m) => void seen.push(m),
    }));
    ref.tell('hello');
    await settle();
    expect(attempts).toBe(3);
    expect(failures.map((f) => [f.phase, f.outcome, f.hasMessage])).toEqual([
      ['start', 'restart', false],
      ['start', 'restart', false],
    ]);
    expect(seen).toEqual(['hello']);
  });

  it('escalate stops the child and fails the parent, whose strategy restarts it (and re-creates the child)', async () => {
    const { system, settle, failures } = virtualSystem();
    const parentStarts: number[] = [];
    const childStarts: string[] = [];
    const parent = system.spawn<string>('parent', (ctx) => ({
      preStart() {
        parentStarts.push(ctx.incarnation);
        ctx.spawn<string>('child', (c) => ({
          preStart: () => void childStarts.push(`${c.name}#${c.incarnation}`),
          receive(m) {
            if (m === 'boom') throw new Error('child broke');
          },
        }), { supervisor: 'escalate' });
      },
      receive(m) {
        system.lookup<string>('parent/child')?.tell(m);
      },
    }));
    parent.tell('boom');
    await settle();
    expect(parentStarts).toEqual([0, 1]);
    expect(childStarts).toEqual(['parent/child#0', 'parent/child#0']);
    expect(failures.map((f) => [f.actor, f.phase, f.outcome])).toEqual([
      ['parent/child', 'receive', 'escalate'],
      ['parent', 'child', 'restart'],
    ]);
    expect(failures[1].error).toBeInstanceOf(ChildFailedError);
    expect(system.names).toEqual(['parent', 'parent/child']);
  });

  it('a top-level actor escalates to the system error hook and stops', async () => {
    const { system, settle, failures } = virtualSystem();
    const ref = system.spawn<number>('top', () => ({
      receive() {
        throw new Error('unrecoverable');
      },
    }), { supervisor: 'escalate' });
    ref.tell(1);
    await settle();
    expect(failures.map((f) => [f.actor, f.outcome])).toEqual([['top', 'escalate']]);
    expect(await ref.terminated).toMatchObject({ reason: 'failed' });
  });
});

describe('RestartBudget', () => {
  it('caps backoff and refuses restarts beyond the limit within the window', () => {
    const budget = new RestartBudget({ ...DEFAULT_SUPERVISOR_STRATEGY, maxRestarts: 3, withinMs: 100, backoff: { initialMs: 5, maxMs: 12 } });
    expect([budget.tryRestart(0), budget.tryRestart(1), budget.tryRestart(2), budget.tryRestart(3)]).toEqual([5, 10, 12, null]);
    expect(budget.countAt(100)).toBe(2); // the restart at t=0 is exactly one window old
    expect(budget.tryRestart(101)).toBe(10);
  });
});
