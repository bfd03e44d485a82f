import { BadRequestException } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ProjectionStatus } from '../projection/projection-status.service';
import { decodeSession, encodeSession, InvalidSessionTokenError, mergeSession, SESSION_HEADER, type SessionState } from './session-token';

export type ReadConsistency = 'strong' | 'session' | 'eventual';

/** The session the request carries (400 if the token is malformed). */
export function sessionOf(req: Request): SessionState | null {
  const raw = req.headers[SESSION_HEADER];
  try {
    return decodeSession(Array.isArray(raw) ? raw[0] : raw);
  } catch (e) {
    if (e instanceof InvalidSessionTokenError) throw new BadRequestException(e.message);
    throw e;
  }
}

/**
 * Session consistency for a read served from the projection: waits (up to the configured
 * deadline, then 503) until the projection has reached what the session already saw.
 * `eventual` does not wait.
 */
export async function awaitSession(req: Request, status: ProjectionStatus, consistency: ReadConsistency): Promise<SessionState | null> {
  const session = sessionOf(req);
  if (session && consistency !== 'eventual') await status.waitFor(session.revision);
  return session;
}

/** Returns the (advanced) session token to the client. */
export function answerSession(res: Response, session: SessionState | null, revision: number): void {
  res.setHeader('X-Session-Token', encodeSession(mergeSession(session, revision)));
}

export { SESSION_HEADER };
