import type { ReplyTo } from './actor';
import { AskTimeoutError } from './errors';
import { deferred, virtualSystem } from './test-kit';

describe('message ordering', () => {
  it('delivers messages FIFO per sender', async () => {
    const { system, settle } = virtualSystem();
    const seen: string[] = [];
    const ref = system.spawn<string>('log', () => ({ receive: (m) => void seen.push(m) }));
    for (let i = 0; i < 5; i++) {
      ref.tell(`a${i}`);
      ref.tell(`b${i}`);
    }
    await settle();
    expect(seen).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'b2', 'a3', 'b3', 'a4', 'b4']);
  });

  it('does not deliver the next message until an async receive settles', async () => {
    const { system, settle } = virtualSystem();
    const gates = [deferred(), deferred()];
    const events: string[] = [];
    let active = 0;
    let maxActive = 0;
    const ref = system.spawn<number>('slow', () => ({
      async receive(n) {
        active++;
        maxActive = Math.max(maxActive, active);
        events.push(`start ${n}`);
        await gates[n].promise;
        events.push(`end ${n}`);
        active--;
      },
    }));
    ref.tell(0);
    ref.tell(1);
    await settle();
    expect(events).toEqual(['start 0']);
    expect(ref.mailboxSize).toBe(1);
    gates[1].resolve(); // releasing the later message first must not let it overtake
    await settle();
    expect(events).toEqual(['start 0']);
    gates[0].resolve();
    await settle();
    expect(events).toEqual(['start 0', 'end 0', 'start 1', 'end 1']);
    expect(maxActive).toBe(1);
  });

  it('queues messages told before preStart finishes', async () => {
    const { system, settle } = virtualSystem();
    const loaded = deferred<number>();
    const seen: string[] = [];
    const ref = system.spawn<string>('loader', () => {
      let base = -1;
      return {
        async preStart() {
          base = await loaded.promise;
        },
        receive: (m) => void seen.push(`${m}:${base}`),
      };
    });
    ref.tell('x');
    await settle();
    expect(seen).toEqual([]);
    loaded.resolve(7);
    await settle();
    expect(seen).toEqual(['x:7']);
  });
});

type CounterMsg = { type: 'add'; n: number } | { type: 'get'; replyTo: ReplyTo<number> } | { type: 'ignore'; replyTo: ReplyTo<number> };

describe('ask', () => {
  function counter() {
    const kit = virtualSystem();
    const ref = kit.system.spawn<CounterMsg>('counter', () => {
      let total = 0;
      return {
        receive(m) {
          if (m.type === 'add') total += m.n;
          else if (m.type === 'get') m.replyTo.tell(total);
        },
      };
    });
    return { ...kit, ref };
  }

  it('resolves with the reply and cancels its timeout timer', async () => {
    const { ref, scheduler } = counter();
    ref.tell({ type: 'add', n: 2 });
    ref.tell({ type: 'add', n: 3 });
    const reply = ref.ask<number>((replyTo) => ({ type: 'get', replyTo }), 100);
    await scheduler.advance(0);
    await expect(reply).resolves.toBe(5);
    expect(scheduler.pendingTimers).toBe(0);
  });

  it('times out in virtual time, exactly at the deadline', async () => {
    const { ref, scheduler } = counter();
    let outcome: unknown = 'pending';
    ref.ask<number>((replyTo) => ({ type: 'ignore', replyTo }), 50).then(
      (v) => (outcome = v),
      (e: unknown) => (outcome = e),
    );
    await scheduler.advance(49);
    expect(outcome).toBe('pending');
    await scheduler.advance(1);
    expect(outcome).toBeInstanceOf(AskTimeoutError);
    expect((outcome as AskTimeoutError).code).toBe('ASK_TIMEOUT');
    expect((outcome as AskTimeoutError).actor).toBe('counter');
  });

  it('ignores a reply that arrives after the timeout', async () => {
    const { system, scheduler, failures } = virtualSystem();
    type Msg = { kind: 'request' | 'reply'; replyTo: ReplyTo<string> };
    let repliesSent = 0;
    const ref = system.spawn<Msg>('late', () => ({
      receive(m, ctx) {
        if (m.kind === 'request') ctx.schedule(20, { kind: 'reply', replyTo: m.replyTo });
        else {
          repliesSent++;
          m.replyTo.tell('too late');
        }
      },
    }));
    const outcome = ref.ask<string>((replyTo) => ({ kind: 'request', replyTo }), 10).catch((e: unknown) => e);
    await scheduler.advance(10);
    expect(await outcome).toBeInstanceOf(AskTimeoutError);
    await scheduler.advance(10);
    expect(repliesSent).toBe(1);
    expect(failures).toEqual([]);
  });
});
