import { AsyncSnowflakeGenerator, ClockMovedBackwardsError } from '../src/index';
import { FakeTime } from './support/fake-time';

const T0 = Date.UTC(2025, 6, 1);

function generator(time: FakeTime, maxBackwardsWaitMs = 10): AsyncSnowflakeGenerator {
  return new AsyncSnowflakeGenerator({ workerId: 5, clock: time.clock, sleep: time.sleep, maxBackwardsWaitMs });
}

describe('AsyncSnowflakeGenerator', () => {
  it('sleeps until the next millisecond once 4096 ids were issued in one', async () => {
    const time = new FakeTime(T0);
    const gen = generator(time);
    for (let i = 0; i < 4096; i++) await gen.next();
    expect(time.sleeps).toEqual([]);
    expect(gen.parse(await gen.next())).toEqual({ timestamp: T0 + 1, workerId: 5, sequence: 0 });
    expect(time.sleeps).toEqual([1]);
  });

  it('sleeps out a backwards step within the bound', async () => {
    const time = new FakeTime(T0);
    const gen = generator(time, 10);
    await gen.next();
    time.nowMs = T0 - 7;
    expect(gen.parse(await gen.next())).toEqual({ timestamp: T0, workerId: 5, sequence: 1 });
    expect(time.sleeps).toEqual([7]);
  });

  it('rejects with ClockMovedBackwardsError beyond the bound, without sleeping', async () => {
    const time = new FakeTime(T0);
    const gen = generator(time, 10);
    await gen.next();
    time.nowMs = T0 - 50;
    await expect(gen.next()).rejects.toMatchObject({
      constructor: ClockMovedBackwardsError,
      code: 'IDS_CLOCK_MOVED_BACKWARDS',
      lastTimestampMs: T0,
      nowMs: T0 - 50,
    });
    expect(time.sleeps).toEqual([]);
  });

  it('gives concurrent callers distinct ids that increase in the order they resolve', async () => {
    const time = new FakeTime(T0);
    const gen = generator(time);
    const resolved: bigint[] = [];
    await Promise.all(Array.from({ length: 10_000 }, () => gen.next().then((id) => resolved.push(id))));
    expect(resolved).toHaveLength(10_000);
    expect(resolved.filter((id, i) => i > 0 && id <= resolved[i - 1]!)).toEqual([]);
    // 10 000 ids need 3 milliseconds: T0 (4096 ids), T0 + 1 (4096), T0 + 2 (the last 1808).
    const perMs = new Map<number, number>();
    for (const id of resolved) {
      const { timestamp } = gen.parse(id);
      perMs.set(timestamp, (perMs.get(timestamp) ?? 0) + 1);
    }
    expect([...perMs]).toEqual([
      [T0, 4096],
      [T0 + 1, 4096],
      [T0 + 2, 1808],
    ]);
    expect(time.nowMs).toBe(T0 + 2);
  });

  it('returns the decimal string form', async () => {
    const time = new FakeTime(T0);
    const gen = generator(time);
    const text = await gen.nextString();
    expect(text).toMatch(/^[1-9][0-9]*$/);
    expect(gen.parse(text)).toEqual({ timestamp: T0, workerId: 5, sequence: 0 });
  });
});
