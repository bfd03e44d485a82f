import type { ActorContext, Termination } from './actor';
import { ActorStoppedError, ActorSystemShutDownError, DuplicateActorNameError, InvalidActorOptionError } from './errors';
import { deferred, virtualSystem } from './test-kit';

type TimerMsg = 'arm' | 'fire' | 'tick' | 'crash';

/** An actor that arms a one-shot and a repeating timer and records what reaches it. */
function timerActor(seen: string[]) {
  return (ctx: ActorContext<TimerMsg>) => ({
    preStart() {
      ctx.scheduleRepeating(10, 'tick');
    },
    receive(m: TimerMsg) {
      seen.push(`${m}#${ctx.incarnation}@${ctx.now()}`);
      if (m === 'arm') ctx.schedule(25, 'fire');
      if (m === 'crash') throw new Error('crash');
    },
  });
}

describe('timers and lifecycle', () => {
  it('delivers timers as messages and cancels them all when the actor stops', async () => {
    const { system, scheduler, settle } = virtualSystem();
    const seen: string[] = [];
    const ref = system.spawn<TimerMsg>('timed', timerActor(seen));
    ref.tell('arm');
    await scheduler.advance(20);
    expect(seen).toEqual(['arm#0@0', 'tick#0@10', 'tick#0@20']);
    expect(scheduler.pendingTimers).toBe(2);
    await system.stop(ref);
    expect(scheduler.pendingTimers).toBe(0);
    await scheduler.advance(100);
    await settle();
    expect(seen).toEqual(['arm#0@0', 'tick#0@10', 'tick#0@20']);
  });

  it('cancels the old incarnation’s timers on restart', async () => {
    const { system, scheduler } = virtualSystem();
    const seen: string[] = [];
    const ref = system.spawn<TimerMsg>('timed', timerActor(seen));
    ref.tell('arm'); // would fire at 25 in incarnation 0
    await scheduler.advance(5);
    ref.tell('crash');
    await scheduler.advance(25);
    // Incarnation 1 re-armed its repeating tick at t=5; the one-shot from incarnation 0 never fires.
    expect(seen).toEqual(['arm#0@0', 'crash#0@5', 'tick#1@15', 'tick#1@25']);
    expect(scheduler.pendingTimers).toBe(1);
  });

  it('ctx.stop() stops after the current message, dead-lettering the rest, and runs postStop once', async () => {
    const { system, settle, deadLetters } = virtualSystem();
    const events: string[] = [];
    const ref = system.spawn<string>('quitter', (ctx) => ({
      receive(m) {
        events.push(m);
        if (m === 'quit') ctx.stop();
      },
      postStop: () => void events.push('postStop'),
    }));
    ['a', 'quit', 'b', 'c'].forEach((m) => ref.tell(m));
    await settle();
    expect(events).toEqual(['a', 'quit', 'postStop']);
    expect(deadLetters.map((d) => d.message)).toEqual(['b', 'c']);
    expect(await ref.terminated).toEqual({ actor: 'quitter', reason: 'stopped' });
  });

  it('a draining stop handles queued messages first and refuses new ones', async () => {
    const { system, settle } = virtualSystem();
    const gate = deferred();
    const events: string[] = [];
    const ref = system.spawn<string>('drainer', () => ({
      async receive(m) {
        if (m === 'first') await gate.promise;
        events.push(m);
      },
      postStop: () => void events.push('postStop'),
    }));
    ref.tell('first');
    ref.tell('second');
    await settle();
    const stopped = system.stop('drainer', { drain: true });
    expect(() => ref.tell('third')).toThrow(ActorStoppedError);
    expect(ref.isAlive).toBe(false);
    gate.resolve();
    await stopped;
    expect(events).toEqual(['first', 'second', 'postStop']);
  });

  it('names are unique among live actors and free again after stop', async () => {
    const { system } = virtualSystem();
    const a = system.spawn<number>('a', () => ({ receive: () => undefined }));
    let error: unknown;
    try {
      system.spawn<number>('a', () => ({ receive: () => undefined }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DuplicateActorNameError);
    expect((error as DuplicateActorNameError).code).toBe('DUPLICATE_ACTOR_NAME');
    expect(system.lookup<number>('a')).toBe(a);
    expect(() => system.spawn('x/y', () => ({ receive: () => undefined }))).toThrow(InvalidActorOptionError);
    await system.stop(a);
    expect(system.lookup('a')).toBeUndefined();
    expect(system.spawn<number>('a', () => ({ receive: () => undefined })).name).toBe('a');
  });

  it('ctx.watch turns another actor’s termination into a message', async () => {
    const { system, settle } = virtualSystem();
    const worker = system.spawn<string>('worker', () => ({ receive: () => undefined }));
    const notices: Termination[] = [];
    system.spawn<Termination>('monitor', (ctx) => ({
      preStart: () => void ctx.watch(worker, (t) => t),
      receive: (t) => void notices.push(t),
    }));
    await settle();
    await system.stop(worker);
    await settle();
    expect(notices).toEqual([{ actor: 'worker', reason: 'stopped' }]);
  });

  it('shutdown waits for in-progress and queued messages, stops children, then refuses spawns', async () => {
    const { system, settle } = virtualSystem();
    const gate = deferred();
    const events: string[] = [];
    const ref = system.spawn<string>('busy', (ctx) => ({
      preStart() {
        ctx.spawn<string>('helper', () => ({ receive: () => undefined, postStop: () => void events.push('helper stopped') }));
      },
      async receive(m) {
        if (m === 'slow') await gate.promise;
        events.push(m);
      },
      postStop: () => void events.push('busy stopped'),
    }));
    ref.tell('slow');
    ref.tell('queued');
    await settle();
    let done = false;
    const shutdown = system.shutdown().then(() => (done = true));
    await settle();
    expect(done).toBe(false);
    gate.resolve();
    await shutdown;
    expect(events).toEqual(['slow', 'queued', 'helper stopped', 'busy stopped']);
    expect(system.names).toEqual([]);
    expect(() => system.spawn('late', () => ({ receive: () => undefined }))).toThrow(ActorSystemShutDownError);
  });
});
