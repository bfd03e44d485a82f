import type { ActorContext, ReplyTo } from './actor';
import { ActorSystem } from './actor-system';
import { VirtualScheduler } from './virtual-scheduler';

type PingMsg = { kind: 'ping'; from: string; hop: number } | { kind: 'tick' } | { kind: 'report'; replyTo: ReplyTo<number> };

/**
 * A small network of actors pinging each other with timers, failures and restarts, run on
 * virtual time; returns the full event trace.
 */
async function runScenario(seed: number): Promise<string[]> {
  const scheduler = new VirtualScheduler();
  const trace: string[] = [];
  const system = new ActorSystem({
    scheduler,
    onError: (f) => trace.push(`${scheduler.now()} error ${f.actor} ${f.outcome}`),
    onDeadLetter: (d) => trace.push(`${scheduler.now()} dead ${d.recipient}`),
  });
  let rng = seed;
  const random = (n: number): number => {
    rng = (rng * 1103515245 + 12345) % 2147483648;
    return rng % n;
  };
  const names = ['a', 'b', 'c'];
  const peer = (ctx: ActorContext<PingMsg>) => {
    let received = 0;
    return {
      preStart: () => void ctx.scheduleRepeating(7 + names.indexOf(ctx.name), { kind: 'tick' }),
      async receive(m: PingMsg) {
        trace.push(`${ctx.now()} ${ctx.name}#${ctx.incarnation} ${m.kind}${m.kind === 'ping' ? ` ${m.from}:${m.hop}` : ''}`);
        if (m.kind === 'report') return m.replyTo.tell(received);
        if (m.kind === 'tick') {
          const to = system.lookup<PingMsg>(names[random(3)]);
          to?.tell({ kind: 'ping', from: ctx.name, hop: 0 });
          return;
        }
        received++;
        await Promise.resolve(); // an async step inside receive
        if (random(10) === 0) throw new Error('random fault');
        if (m.hop < 3) ctx.schedule(random(5), { ...m, hop: m.hop + 1 });
      },
    };
  };
  for (const name of names) system.spawn<PingMsg>(name, peer, { supervisor: { maxRestarts: 100 } });
  await scheduler.advance(200);
  for (const name of names) {
    const count = system.lookup<PingMsg>(name)!.ask<number>((replyTo) => ({ kind: 'report', replyTo }), 5);
    await scheduler.advance(0);
    trace.push(`report ${name} ${await count}`);
  }
  await system.shutdown({ drain: false });
  return trace;
}

describe('determinism on virtual time', () => {
  it.each([42, 7, 2024])('replays the same scenario into the same event trace (seed %i)', async (seed) => {
    const first = await runScenario(seed);
    const second = await runScenario(seed);
    expect(first.length).toBeGreaterThan(100);
    expect(first.some((e) => e.includes('error'))).toBe(true);
    // The seed is part of the compared value so a failure's diff shows it.
    expect({ seed, trace: second }).toEqual({ seed, trace: first });
  });
});
