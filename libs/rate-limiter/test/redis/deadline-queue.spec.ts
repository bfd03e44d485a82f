import { DeadlineQueue } from '../../src/redis/deadline-queue';

class TimedOut extends Error {}
const never = new Promise<never>(() => undefined);
const elapsedSince = (start: number) => performance.now() - start;

describe('DeadlineQueue (one shared timer for every call’s timeout)', () => {
  it('passes values and errors through untouched and forgets settled calls', async () => {
    const queue = new DeadlineQueue(1000, () => new TimedOut());
    await expect(queue.run(Promise.resolve(42))).resolves.toBe(42);
    const failure = new Error('boom');
    await expect(queue.run(Promise.reject(failure))).rejects.toBe(failure);
    expect(queue.size).toBe(0);
  });

  it('rejects a call that does not settle in time with the timeout error, not before its deadline', async () => {
    const queue = new DeadlineQueue(60, () => new TimedOut('late'));
    const start = performance.now();
    await expect(queue.run(never)).rejects.toBeInstanceOf(TimedOut);
    expect(elapsedSince(start)).toBeGreaterThanOrEqual(59);
    expect(queue.size).toBe(0);
  });

  it('times each call from its own start: a later call outlives an earlier one’s deadline', async () => {
    const queue = new DeadlineQueue(150, () => new TimedOut());
    const start = performance.now();
    const first = queue.run(never).catch(() => elapsedSince(start));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const secondStart = performance.now();
    const second = queue.run(never).catch(() => elapsedSince(secondStart));
    const firstAt = await first;
    expect(firstAt).toBeGreaterThanOrEqual(149);
    // When the first timed out, the second (started ~100 ms later) was still waiting.
    expect(queue.size).toBe(1);
    expect(await second).toBeGreaterThanOrEqual(149);
  });

  it('a call settled before its deadline is never rejected afterwards', async () => {
    const queue = new DeadlineQueue(40, () => new TimedOut());
    let release: (value: string) => void = () => undefined;
    const slowButInTime = new Promise<string>((resolve) => (release = resolve));
    const pending = queue.run(slowButInTime);
    const timedOut = queue.run(never);
    release('ok');
    await expect(pending).resolves.toBe('ok');
    await expect(timedOut).rejects.toBeInstanceOf(TimedOut);
  });

  it('keeps only unsettled calls once many have completed in order', async () => {
    const queue = new DeadlineQueue(10_000, () => new TimedOut());
    await Promise.all(Array.from({ length: 5000 }, (_, i) => queue.run(Promise.resolve(i))));
    expect(queue.size).toBe(0);
  });
});

describe('DeadlineQueue.track (items that settle by themselves, e.g. ioredis commands)', () => {
  const item = () => {
    const rejected: Error[] = [];
    return { isResolved: false, rejected, reject: (error: Error) => void rejected.push(error) };
  };

  it('rejects an item not resolved by its deadline and leaves a resolved one alone', async () => {
    const queue = new DeadlineQueue(40, () => new TimedOut());
    const late = item();
    const inTime = item();
    queue.track(inTime);
    queue.track(late);
    inTime.isResolved = true;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(inTime.rejected).toEqual([]);
    expect(late.rejected).toHaveLength(1);
    expect(late.rejected[0]).toBeInstanceOf(TimedOut);
    expect(queue.size).toBe(0);
  });

  it('drops resolved items from the head as new ones arrive, so a sequential caller keeps it at one', () => {
    const queue = new DeadlineQueue(10_000, () => new TimedOut());
    for (let i = 0; i < 5000; i += 1) {
      const current = item();
      queue.track(current);
      expect(queue.size).toBe(1);
      current.isResolved = true;
    }
    expect(queue.size).toBe(0);
  });
});
