import { ObjectId } from 'bson';
import fc from 'fast-check';
import {
  InvalidIdError,
  InvalidIdsConfigError,
  ObjectIdCounterExhaustedError,
  ObjectIdGenerator,
  TimestampOutOfRangeError,
  objectIdDate,
  objectIdHexToBytes,
  parseObjectId,
} from '../src/index';

const NOW_MS = 1_700_000_000_123; // second 1_700_000_000 = 0x6553f100

/** Randomness that returns the given byte strings in order. */
function scriptedRandom(...chunks: number[][]): (size: number) => Uint8Array {
  let call = 0;
  return (size) => {
    const chunk = chunks[call++]!;
    expect(chunk).toHaveLength(size);
    return Uint8Array.from(chunk);
  };
}

describe('ObjectIdGenerator', () => {
  it('lays out seconds, the process random value and a counter starting at a random value', () => {
    const gen = new ObjectIdGenerator({
      clock: () => NOW_MS,
      randomBytes: scriptedRandom([1, 2, 3, 4, 5], [0x12, 0x34, 0x56]),
    });
    expect(gen.processRandomHex).toBe('0102030405');
    expect(gen.nextHex()).toBe('6553f100' + '0102030405' + '123456');
    expect(gen.nextHex()).toBe('6553f100' + '0102030405' + '123457');
    expect(Array.from(gen.nextBytes())).toEqual([0x65, 0x53, 0xf1, 0x00, 1, 2, 3, 4, 5, 0x12, 0x34, 0x58]);
  });

  it('wraps the counter at 2^24', () => {
    const gen = new ObjectIdGenerator({ clock: () => NOW_MS, randomBytes: scriptedRandom([9, 9, 9, 9, 9], [0xff, 0xff, 0xfe]) });
    expect([gen.nextHex(), gen.nextHex(), gen.nextHex()].map((hex) => hex.slice(18))).toEqual(['fffffe', 'ffffff', '000000']);
  });

  it('keeps the counter running across seconds and starts the new second with the new timestamp', () => {
    let now = NOW_MS;
    const gen = new ObjectIdGenerator({ clock: () => now, randomBytes: scriptedRandom([0, 0, 0, 0, 1], [0, 0, 7]) });
    const a = parseObjectId(gen.nextHex());
    now += 1000;
    const b = parseObjectId(gen.nextBytes());
    expect(a).toEqual({ timestampSeconds: 1_700_000_000, processRandom: '0000000001', counter: 7 });
    expect(b).toEqual({ timestampSeconds: 1_700_000_001, processRandom: '0000000001', counter: 8 });
  });

  it('refuses a 2^24 + 1-th id within one second instead of repeating a counter value', () => {
    const gen = new ObjectIdGenerator({ clock: () => NOW_MS, randomBytes: scriptedRandom([1, 1, 1, 1, 1], [0, 0, 0]) });
    // The counter starts at 0, so the 2^24-th id is ffffff: every value was used once.
    let last = '';
    for (let i = 0; i < 0x1000000; i++) last = gen.nextHex();
    expect(last.slice(18)).toBe('ffffff');
    expect(() => gen.nextHex()).toThrow(ObjectIdCounterExhaustedError);
    expect(() => gen.nextBytes()).toThrow(ObjectIdCounterExhaustedError);
  });

  it('produces hex that the bson package parses to the same bytes and timestamp', () => {
    const gen = new ObjectIdGenerator({ clock: () => NOW_MS });
    for (let i = 0; i < 100; i++) {
      const hex = gen.nextHex();
      const theirs = new ObjectId(hex);
      expect(theirs.toHexString()).toBe(hex);
      expect(theirs.getTimestamp().getTime()).toBe(1_700_000_000_000);
      expect(objectIdDate(hex).getTime()).toBe(theirs.getTimestamp().getTime());
    }
    const bytes = gen.nextBytes();
    expect(Buffer.from(new ObjectId(bytes).id).equals(Buffer.from(bytes))).toBe(true);
  });

  it('parses ids made by the bson package', () => {
    const theirs = ObjectId.createFromTime(1_650_000_000);
    const parts = parseObjectId(theirs.toHexString());
    expect(parts.timestampSeconds).toBe(1_650_000_000);
    expect(parseObjectId('632c6d93d65f74baeb22a2c9')).toEqual({
      timestampSeconds: 0x632c6d93,
      processRandom: 'd65f74baeb',
      counter: 0x22a2c9,
    });
    expect(objectIdDate('632c6d93d65f74baeb22a2c9').toISOString()).toBe(new ObjectId('632c6d93d65f74baeb22a2c9').getTimestamp().toISOString());
  });

  it('round-trips hex and bytes for any content (seeded property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 12 }), (bytes) => {
        const hex = Buffer.from(bytes).toString('hex');
        expect(Array.from(objectIdHexToBytes(hex))).toEqual(Array.from(bytes));
        expect(parseObjectId(hex)).toEqual(parseObjectId(bytes));
        expect(parseObjectId(hex.toUpperCase())).toEqual(parseObjectId(bytes));
        expect(parseObjectId(hex).timestampSeconds).toBe(new ObjectId(hex).getTimestamp().getTime() / 1000);
      }),
      { seed: 12, numRuns: 500 },
    );
  });

  it('uses fresh per-generator random values by default', () => {
    const a = new ObjectIdGenerator();
    const b = new ObjectIdGenerator();
    expect(a.processRandomHex).toMatch(/^[0-9a-f]{10}$/);
    expect(a.processRandomHex).not.toBe(b.processRandomHex);
    expect(a.nextHex()).toMatch(/^[0-9a-f]{24}$/);
  });

  it('rejects malformed ids, clocks out of range and short randomness', () => {
    for (const bad of ['', '632c6d93d65f74baeb22a2c', '632c6d93d65f74baeb22a2c9a', 'zz2c6d93d65f74baeb22a2c9']) {
      expect(() => parseObjectId(bad)).toThrow(InvalidIdError);
    }
    expect(() => parseObjectId(new Uint8Array(11))).toThrow(InvalidIdError);
    expect(() => new ObjectIdGenerator({ clock: () => -1 }).nextHex()).toThrow(TimestampOutOfRangeError);
    expect(() => new ObjectIdGenerator({ clock: () => 2 ** 32 * 1000 }).nextHex()).toThrow(TimestampOutOfRangeError);
    expect(() => new ObjectIdGenerator({ randomBytes: () => new Uint8Array(2) })).toThrow(InvalidIdsConfigError);
  });
});
