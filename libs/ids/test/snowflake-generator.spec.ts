import {
  ClockMovedBackwardsError,
  DEFAULT_SNOWFLAKE_EPOCH_MS,
  type IssuePermit,
  InvalidIdsConfigError,
  SnowflakeGenerator,
  TimestampOutOfRangeError,
  parseSnowflake,
} from '../src/index';
import { FakeTime } from './support/fake-time';

const T0 = Date.UTC(2025, 0, 1);

function generator(time: FakeTime, workerId = 7, maxBackwardsWaitMs = 10): SnowflakeGenerator {
  return new SnowflakeGenerator({ workerId, clock: time.clock, sleepSync: time.sleepSync, maxBackwardsWaitMs });
}

describe('SnowflakeGenerator (sync)', () => {
  it('issues sequence 0, 1, 2 within a millisecond and restarts at 0 in the next', () => {
    const time = new FakeTime(T0);
    const gen = generator(time);
    const first = [gen.next(), gen.next(), gen.next()].map((id) => gen.parse(id));
    time.nowMs = T0 + 1;
    const next = gen.parse(gen.next());
    expect(first).toEqual([0, 1, 2].map((sequence) => ({ timestamp: T0, workerId: 7, sequence })));
    expect(next).toEqual({ timestamp: T0 + 1, workerId: 7, sequence: 0 });
  });

  it('issues strictly increasing ids while the clock advances irregularly', () => {
    const time = new FakeTime(T0);
    const gen = generator(time);
    let previous = -1n;
    let increasing = 0;
    for (let i = 0; i < 20_000; i++) {
      if (i % 997 === 0) time.nowMs += (i % 3) + 1;
      const id = gen.next();
      if (id > previous) increasing += 1;
      previous = id;
    }
    expect(increasing).toBe(20_000);
    expect(time.sleeps).toEqual([]);
  });

  it('busy-waits for the next millisecond once 4096 ids were issued in one', () => {
    let calls = 0;
    // 4096 readings of T0 for the ids, then 3 more while spinning, then T0 + 1.
    const clock = (): number => (calls++ < 4096 + 3 ? T0 : T0 + 1);
    const sleeps: number[] = [];
    const gen = new SnowflakeGenerator({ workerId: 1, clock, sleepSync: (ms) => sleeps.push(ms) });
    for (let i = 0; i < 4096; i++) gen.next();
    const last = gen.parse(gen.next());
    expect(last).toEqual({ timestamp: T0 + 1, workerId: 1, sequence: 0 });
    expect(calls).toBe(4096 + 4);
    expect(sleeps).toEqual([]);
  });

  it('waits out a backwards step within the bound, then continues the same millisecond', () => {
    const time = new FakeTime(T0);
    const gen = generator(time, 3, 10);
    const before = gen.next();
    time.nowMs = T0 - 10;
    const after = gen.next();
    expect(time.sleeps).toEqual([10]);
    expect(after > before).toBe(true);
    expect(gen.parse(after)).toEqual({ timestamp: T0, workerId: 3, sequence: 1 });
  });

  it('throws ClockMovedBackwardsError at once when the step exceeds the bound', () => {
    const time = new FakeTime(T0);
    const gen = generator(time, 3, 10);
    gen.next();
    time.nowMs = T0 - 11;
    const error = captureError(() => gen.next());
    expect(error).toBeInstanceOf(ClockMovedBackwardsError);
    expect(error).toMatchObject({ code: 'IDS_CLOCK_MOVED_BACKWARDS', lastTimestampMs: T0, nowMs: T0 - 11, maxWaitMs: 10 });
    expect(time.sleeps).toEqual([]);
    // Once the clock has recovered, the generator works again and still increases.
    time.nowMs = T0 + 1;
    expect(gen.parse(gen.next())).toEqual({ timestamp: T0 + 1, workerId: 3, sequence: 0 });
  });

  it('bounds the total wait of one call when the clock keeps falling back', () => {
    let now = T0;
    const sleeps: number[] = [];
    const gen = new SnowflakeGenerator({
      workerId: 0,
      clock: () => now,
      // Every sleep ends with the clock 6 ms behind again.
      sleepSync: (ms) => {
        sleeps.push(ms);
        now = T0 - 6;
      },
      maxBackwardsWaitMs: 10,
    });
    gen.next();
    now = T0 - 6;
    expect(() => gen.next()).toThrow(ClockMovedBackwardsError);
    expect(sleeps).toEqual([6]);
  });

  it('fails immediately on any backwards step when the bound is 0', () => {
    const time = new FakeTime(T0);
    const gen = generator(time, 3, 0);
    gen.next();
    time.nowMs = T0 - 1;
    expect(() => gen.next()).toThrow(ClockMovedBackwardsError);
  });

  it('consults the permit before every id and issues nothing once it refuses', () => {
    const time = new FakeTime(T0);
    let allowed = 2;
    const permit: IssuePermit = {
      assertCanIssue() {
        if (allowed-- <= 0) throw new Error('no permit');
      },
    };
    const gen = new SnowflakeGenerator({ workerId: 1, clock: time.clock, permit });
    gen.next();
    gen.next();
    expect(() => gen.next()).toThrow('no permit');
  });

  it('is k-sortable across generators: sorting ids sorts them by millisecond', () => {
    const time = new FakeTime(T0);
    const generators = [1, 2, 3].map((workerId) => generator(time, workerId));
    const issued: { id: bigint; at: number }[] = [];
    for (let ms = 0; ms < 50; ms++) {
      for (let i = 0; i < 30; i++) {
        const gen = generators[(ms * 7 + i) % 3]!;
        issued.push({ id: gen.next(), at: time.nowMs });
      }
      time.nowMs += 1 + (ms % 2);
    }
    const sorted = [...issued].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    expect(sorted.map((entry) => entry.at)).toEqual([...issued].map((entry) => entry.at).sort((a, b) => a - b));
    expect(new Set(issued.map((entry) => entry.id)).size).toBe(issued.length);
  });

  it('offers the decimal string form', () => {
    const time = new FakeTime(DEFAULT_SNOWFLAKE_EPOCH_MS + 5);
    const gen = generator(time, 2);
    expect(gen.nextString()).toBe(((5n << 22n) | (2n << 12n)).toString());
    expect(parseSnowflake(gen.nextString())).toEqual({ timestamp: DEFAULT_SNOWFLAKE_EPOCH_MS + 5, workerId: 2, sequence: 1 });
  });

  it('honours a custom epoch', () => {
    const time = new FakeTime(1_000_005);
    const gen = new SnowflakeGenerator({ workerId: 0, epochMs: 1_000_000, clock: time.clock });
    expect(gen.next()).toBe(5n << 22n);
  });

  it('rejects bad configuration and clocks before the epoch', () => {
    expect(() => new SnowflakeGenerator({ workerId: 1024 })).toThrow(InvalidIdsConfigError);
    expect(() => new SnowflakeGenerator({ workerId: -1 })).toThrow(InvalidIdsConfigError);
    expect(() => new SnowflakeGenerator({ workerId: 1, maxBackwardsWaitMs: -1 })).toThrow(InvalidIdsConfigError);
    expect(() => new SnowflakeGenerator({ workerId: 1, epochMs: 1.5 })).toThrow(InvalidIdsConfigError);
    const gen = new SnowflakeGenerator({ workerId: 1, clock: () => DEFAULT_SNOWFLAKE_EPOCH_MS - 1 });
    expect(() => gen.next()).toThrow(TimestampOutOfRangeError);
  });

  it('works on the real clock: 10 000 ids strictly increase and parse to now', () => {
    const gen = new SnowflakeGenerator({ workerId: 9 });
    const before = Date.now();
    const ids = Array.from({ length: 10_000 }, () => gen.next());
    const after = Date.now();
    expect(ids.filter((id, i) => i > 0 && id <= ids[i - 1]!)).toEqual([]);
    const { timestamp, workerId } = gen.parse(ids[ids.length - 1]!);
    expect(workerId).toBe(9);
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(timestamp).toBeLessThanOrEqual(after);
  });
});

function captureError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error: unknown) {
    return error;
  }
  throw new Error('expected an error');
}
