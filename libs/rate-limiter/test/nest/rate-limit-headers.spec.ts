import type { Decision } from '../../src';
import { rateLimitHeaders, setResponseHeaders } from '../../src';

const denied: Decision = { allowed: false, limit: 10, remaining: 0, retryAfterMs: 1001, resetMs: 4500 };
const allowed: Decision = { allowed: true, limit: 10, remaining: 7, retryAfterMs: 0, resetMs: 999 };

describe('rateLimitHeaders', () => {
  it('rounds Retry-After and RateLimit-Reset up to whole seconds; Retry-After only when denied', () => {
    expect(rateLimitHeaders(denied)).toEqual({
      'RateLimit-Limit': '10',
      'RateLimit-Remaining': '0',
      'RateLimit-Reset': '5',
      'Retry-After': '2',
    });
    expect(rateLimitHeaders(allowed)).toEqual({ 'RateLimit-Limit': '10', 'RateLimit-Remaining': '7', 'RateLimit-Reset': '1' });
  });

  it('never advertises Retry-After: 0 (a client would retry at once)', () => {
    expect(rateLimitHeaders({ ...denied, retryAfterMs: 1 })['Retry-After']).toBe('1');
  });
});

describe('setResponseHeaders', () => {
  const headers = { 'RateLimit-Limit': '10', 'Retry-After': '2' };

  it('uses header() when the response has it (Fastify reply, Express response)', () => {
    const set: [string, string][] = [];
    const setHeader = jest.fn();
    setResponseHeaders({ header: (n: string, v: string) => set.push([n, v]), setHeader }, headers);
    expect(set).toEqual([
      ['RateLimit-Limit', '10'],
      ['Retry-After', '2'],
    ]);
    expect(setHeader).not.toHaveBeenCalled();
  });

  it('falls back to setHeader() (a bare Node ServerResponse)', () => {
    const set: [string, string][] = [];
    setResponseHeaders({ setHeader: (n: string, v: string) => set.push([n, v]) }, headers);
    expect(set).toEqual([
      ['RateLimit-Limit', '10'],
      ['Retry-After', '2'],
    ]);
  });

  it('ignores objects with neither (e.g. a non-HTTP context)', () => {
    expect(() => setResponseHeaders({}, headers)).not.toThrow();
    expect(() => setResponseHeaders(undefined, headers)).not.toThrow();
  });
});
