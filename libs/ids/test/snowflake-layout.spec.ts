import fc from 'fast-check';
import {
  DEFAULT_SNOWFLAKE_EPOCH_MS,
  InvalidIdError,
  InvalidIdsConfigError,
  SNOWFLAKE_MAX_SEQUENCE,
  SNOWFLAKE_MAX_TIMESTAMP_OFFSET,
  SNOWFLAKE_MAX_WORKER_ID,
  TimestampOutOfRangeError,
  composeSnowflake,
  parseSnowflake,
} from '../src/index';

const EPOCH = DEFAULT_SNOWFLAKE_EPOCH_MS;

describe('Snowflake layout', () => {
  it('uses 2024-01-01T00:00:00Z as the default epoch', () => {
    expect(new Date(EPOCH).toISOString()).toBe('2024-01-01T00:00:00.000Z');
  });

  it('packs timestamp << 22 | worker << 12 | sequence', () => {
    expect(composeSnowflake({ timestamp: EPOCH + 1, workerId: 1, sequence: 1 })).toBe((1n << 22n) | (1n << 12n) | 1n);
    expect(composeSnowflake({ timestamp: EPOCH, workerId: 0, sequence: 0 })).toBe(0n);
    expect(
      composeSnowflake({ timestamp: EPOCH + SNOWFLAKE_MAX_TIMESTAMP_OFFSET, workerId: 1023, sequence: 4095 }),
    ).toBe((1n << 63n) - 1n);
  });

  it('parses the bigint and decimal string forms to the same parts', () => {
    const id = composeSnowflake({ timestamp: EPOCH + 123_456_789, workerId: 517, sequence: 42 });
    const expected = { timestamp: EPOCH + 123_456_789, workerId: 517, sequence: 42 };
    expect(parseSnowflake(id)).toEqual(expected);
    expect(parseSnowflake(id.toString())).toEqual(expected);
  });

  it('round-trips every valid combination of fields (seeded property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: SNOWFLAKE_MAX_TIMESTAMP_OFFSET }),
        fc.integer({ min: 0, max: SNOWFLAKE_MAX_WORKER_ID }),
        fc.integer({ min: 0, max: SNOWFLAKE_MAX_SEQUENCE }),
        fc.integer({ min: 0, max: 2 ** 40 }),
        (offset, workerId, sequence, epoch) => {
          const parts = { timestamp: epoch + offset, workerId, sequence };
          const id = composeSnowflake(parts, epoch);
          expect(parseSnowflake(id, epoch)).toEqual(parts);
          expect(parseSnowflake(id.toString(), epoch)).toEqual(parts);
        },
      ),
      { seed: 20240101, numRuns: 1000 },
    );
  });

  it('orders ids by timestamp first, then worker, then sequence (seeded property)', () => {
    const parts = fc.record({
      timestamp: fc.integer({ min: EPOCH, max: EPOCH + 2 ** 40 }),
      workerId: fc.integer({ min: 0, max: SNOWFLAKE_MAX_WORKER_ID }),
      sequence: fc.integer({ min: 0, max: SNOWFLAKE_MAX_SEQUENCE }),
    });
    fc.assert(
      fc.property(parts, parts, (a, b) => {
        const byFields =
          Math.sign(a.timestamp - b.timestamp) || Math.sign(a.workerId - b.workerId) || Math.sign(a.sequence - b.sequence);
        const ia = composeSnowflake(a);
        const ib = composeSnowflake(b);
        const byId = ia < ib ? -1 : ia > ib ? 1 : 0;
        expect(byId).toBe(byFields);
      }),
      { seed: 7, numRuns: 1000 },
    );
  });

  it('rejects malformed ids', () => {
    expect(() => parseSnowflake(-1n)).toThrow(InvalidIdError);
    expect(() => parseSnowflake(1n << 63n)).toThrow(InvalidIdError);
    for (const text of ['', '-1', '01', '1.5', '0x10', ' 1', '12345678901234567890']) {
      expect(() => parseSnowflake(text)).toThrow(InvalidIdError);
    }
  });

  it('rejects fields outside the layout', () => {
    expect(() => composeSnowflake({ timestamp: EPOCH - 1, workerId: 0, sequence: 0 })).toThrow(TimestampOutOfRangeError);
    expect(() =>
      composeSnowflake({ timestamp: EPOCH + SNOWFLAKE_MAX_TIMESTAMP_OFFSET + 1, workerId: 0, sequence: 0 }),
    ).toThrow(TimestampOutOfRangeError);
    expect(() => composeSnowflake({ timestamp: EPOCH, workerId: 1024, sequence: 0 })).toThrow(InvalidIdsConfigError);
    expect(() => composeSnowflake({ timestamp: EPOCH, workerId: 0, sequence: 4096 })).toThrow(InvalidIdError);
  });
});
