import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { CHAT_ENV, type ChatEnv } from '../config/chat-config';

export interface AuthUser {
  readonly userId: string;
}

export const USER_ID_PATTERN = /^[A-Za-z0-9_.@-]{1,64}$/;

/** Signs and verifies user tokens (HS256 JWT, subject = user id). */
@Injectable()
export class AuthService {
  constructor(
    private readonly jwt: JwtService,
    @Inject(CHAT_ENV) private readonly env: ChatEnv,
  ) {}

  issue(userId: string): { token: string; expiresIn: number } {
    return { token: this.jwt.sign({ sub: userId }, { expiresIn: this.env.JWT_TTL_SECONDS }), expiresIn: this.env.JWT_TTL_SECONDS };
  }

  /** @throws UnauthorizedException for a missing, malformed, expired or forged token. */
  verify(token: string | undefined | null): AuthUser {
    if (!token) throw new UnauthorizedException('missing bearer token');
    let payload: { sub?: unknown };
    try {
      payload = this.jwt.verify<{ sub?: unknown }>(token, { algorithms: ['HS256'] });
    } catch (e) {
      throw new UnauthorizedException(`invalid token: ${(e as Error).message}`);
    }
    if (typeof payload.sub !== 'string' || !USER_ID_PATTERN.test(payload.sub)) throw new UnauthorizedException('invalid token: bad subject');
    return { userId: payload.sub };
  }

  /** The token from `Authorization: Bearer …`, or from `access_token` (for EventSource/WebSocket, which cannot set headers). */
  static tokenFrom(authorization: string | undefined, queryToken: unknown): string | null {
    if (authorization?.startsWith('Bearer ')) return authorization.slice(7).trim();
    return typeof queryToken === 'string' && queryToken !== '' ? queryToken : null;
  }
}
