import { InvalidActorOptionError } from './errors';
import { VirtualScheduler } from './virtual-scheduler';

describe('VirtualScheduler', () => {
  it('runs due timers in (time, insertion) order with now() at each due time', () => {
    const s = new VirtualScheduler();
    const log: string[] = [];
    s.schedule(30, () => log.push(`c@${s.now()}`));
    s.schedule(10, () => log.push(`a@${s.now()}`));
    s.schedule(10, () => log.push(`b@${s.now()}`));
    s.schedule(31, () => log.push(`late@${s.now()}`));
    s.advanceSync(30);
    expect(log).toEqual(['a@10', 'b@10', 'c@30']);
    expect(s.now()).toBe(30);
    expect(s.pendingTimers).toBe(1);
    expect(s.nextDue).toBe(31);
  });

  it('runs timers scheduled by timers when they fall inside the advanced span', () => {
    const s = new VirtualScheduler();
    const log: number[] = [];
    s.schedule(5, () => {
      log.push(s.now());
      s.schedule(5, () => log.push(s.now()));
      s.schedule(0, () => log.push(s.now()));
    });
    s.advanceSync(10);
    expect(log).toEqual([5, 5, 10]);
  });

  it('cancels one-shot and repeating timers', () => {
    const s = new VirtualScheduler();
    const log: string[] = [];
    const cancelOnce = s.schedule(10, () => log.push('once'));
    const cancelRepeat = s.scheduleRepeating(4, () => log.push(`tick@${s.now()}`));
    cancelOnce();
    cancelOnce(); // idempotent
    s.advanceSync(9);
    cancelRepeat();
    s.advanceSync(100);
    expect(log).toEqual(['tick@4', 'tick@8']);
    expect(s.pendingTimers).toBe(0);
  });

  it('lets microtask effects of each timer settle before the next one fires (async advance)', async () => {
    const s = new VirtualScheduler();
    const log: string[] = [];
    s.schedule(1, () => {
      void Promise.resolve()
        .then(() => Promise.resolve())
        .then(() => {
          log.push(`reaction@${s.now()}`);
          s.schedule(1, () => log.push(`follow-up@${s.now()}`));
        });
    });
    s.schedule(1, () => log.push(`second@${s.now()}`));
    await s.advance(2);
    expect(log).toEqual(['reaction@1', 'second@1', 'follow-up@2']);
  });

  it('runUntilIdle jumps to each timer and guards against endless repetition', async () => {
    const s = new VirtualScheduler({ startAt: 100 });
    const log: number[] = [];
    s.schedule(50, () => log.push(s.now()));
    s.schedule(5, () => log.push(s.now()));
    await s.runUntilIdle();
    expect(log).toEqual([105, 150]);
    s.scheduleRepeating(1, () => undefined);
    await expect(s.runUntilIdle(10)).rejects.toBeInstanceOf(InvalidActorOptionError);
  });

  it('rejects negative and non-finite delays', () => {
    const s = new VirtualScheduler();
    expect(() => s.schedule(-1, () => undefined)).toThrow(InvalidActorOptionError);
    expect(() => s.scheduleRepeating(0, () => undefined)).toThrow(InvalidActorOptionError);
    expect(() => s.advanceSync(Number.NaN)).toThrow(InvalidActorOptionError);
  });
});
