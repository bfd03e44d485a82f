/**
 * Session tokens: what a client has seen, carried in the `X-Session-Token` header. Reads
 * with consistency `session` (the default) wait until the projection has reached the
 * token's revision, giving read-your-writes and monotonic reads within a session.
 *
 * Format: `s1.` + base64url(JSON {"r": revision}). Clients treat it as opaque.
 */
export const SESSION_HEADER = 'x-session-token';

export interface SessionState {
  /** The highest raft revision the session has observed. */
  readonly revision: number;
}

export class InvalidSessionTokenError extends Error {}

export function encodeSession(s: SessionState): string {
  return `s1.${Buffer.from(JSON.stringify({ r: s.revision })).toString('base64url')}`;
}

export function decodeSession(token: string | undefined): SessionState | null {
  if (token === undefined || token === '') return null;
  if (!token.startsWith('s1.') || token.length > 200) throw new InvalidSessionTokenError('X-Session-Token is malformed');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token.slice(3), 'base64url').toString('utf8'));
  } catch {
    throw new InvalidSessionTokenError('X-Session-Token is malformed');
  }
  const r = (parsed as { r?: unknown } | null)?.r;
  if (typeof r !== 'number' || !Number.isSafeInteger(r) || r < 0) throw new InvalidSessionTokenError('X-Session-Token is malformed');
  return { revision: r };
}

/** The later of two sessions (sessions only move forward). */
export function mergeSession(a: SessionState | null, revision: number): SessionState {
  return { revision: Math.max(a?.revision ?? 0, revision) };
}
