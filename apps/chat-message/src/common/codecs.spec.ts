import { decodeCursor, EMPTY_CURSOR, encodeCursor, InvalidCursorError } from './cursor';
import { decodeSession, encodeSession, InvalidSessionTokenError, mergeSession } from './session-token';

describe('sync cursor', () => {
  it('round-trips and is compact and canonical (conversation keys sorted)', () => {
    const text = encodeCursor({ p: 42, c: { b: 7, a: 3 } });
    expect(text).toMatch(/^c1\.[A-Za-z0-9_-]+$/);
    expect(decodeCursor(text)).toEqual({ p: 42, c: { a: 3, b: 7 } });
    expect(encodeCursor({ p: 42, c: { a: 3, b: 7 } })).toBe(text);
    expect(encodeCursor({ p: 5, c: {} })).toBe(`c1.${Buffer.from('{"p":5}').toString('base64url')}`);
  });

  it('treats an absent cursor as the beginning', () => {
    expect(decodeCursor(undefined)).toBe(EMPTY_CURSOR);
    expect(decodeCursor('')).toBe(EMPTY_CURSOR);
    expect(EMPTY_CURSOR).toEqual({ p: 0, c: {} });
  });

  it.each([
    ['wrong prefix', 'x1.eyJwIjoxfQ'],
    ['not base64 json', 'c1.!!!'],
    ['negative pts', `c1.${Buffer.from('{"p":-1}').toString('base64url')}`],
    ['fractional seq', `c1.${Buffer.from('{"p":1,"c":{"a":1.5}}').toString('base64url')}`],
    ['array c', `c1.${Buffer.from('{"p":1,"c":[1]}').toString('base64url')}`],
    ['too long', `c1.${'A'.repeat(9000)}`],
  ])('rejects a malformed cursor (%s)', (_, text) => {
    expect(() => decodeCursor(text)).toThrow(InvalidCursorError);
  });
});

describe('session token', () => {
  it('round-trips the revision and only moves forward', () => {
    const t = encodeSession({ revision: 17 });
    expect(t).toMatch(/^s1\./);
    expect(decodeSession(t)).toEqual({ revision: 17 });
    expect(decodeSession(undefined)).toBeNull();
    expect(mergeSession({ revision: 17 }, 9)).toEqual({ revision: 17 });
    expect(mergeSession(null, 9)).toEqual({ revision: 9 });
  });

  it('rejects garbage', () => {
    expect(() => decodeSession('garbage')).toThrow(InvalidSessionTokenError);
    expect(() => decodeSession(`s1.${Buffer.from('{"r":"1"}').toString('base64url')}`)).toThrow(InvalidSessionTokenError);
  });
});
