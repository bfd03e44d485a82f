import { ForbiddenException, HttpException, Injectable, Optional, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AuditService } from '../audit/audit.service';
import { GATEWAY_ENV, tokenTable, type GatewayEnv } from '../config/gateway-config';

/** The request as the guard and the controllers see it. */
export interface AuthedRequest {
  headers: Record<string, string | string[] | undefined>;
  method?: string;
  originalUrl?: string;
  /** Set by the guard: who is acting, for the audit log. */
  actor?: string;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Mutating routes need `Authorization: Bearer <token>`: 401 without a bearer token, 403 with
 * a wrong one. Tokens are compared in constant time (over their SHA-256, so the length does
 * not leak either). The actor recorded in the audit log is the token's name (ADMIN_TOKEN is
 * "admin"), refined by an `X-Actor` header when given: `alice (admin)`. Refused attempts
 * are audited too (actor "anonymous" or "invalid token", outcome unauthorized/forbidden).
 */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  private readonly tokens: { digest: Buffer; name: string }[];

  constructor(
    config: ConfigService,
    @Optional() private readonly audit?: AuditService,
  ) {
    this.tokens = [...tokenTable(config.getOrThrow<GatewayEnv>(GATEWAY_ENV)).entries()].map(([token, name]) => ({ digest: digest(token), name }));
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    try {
      req.actor = this.authenticate(first(req.headers['authorization']), first(req.headers['x-actor']));
    } catch (e) {
      if (this.audit && e instanceof HttpException) {
        const forbidden = e.getStatus() === 403;
        const what = `${req.method ?? '?'} ${req.originalUrl ?? '?'}`.slice(0, 128);
        await this.audit.record(forbidden ? 'invalid token' : 'anonymous', 'authenticate', what, forbidden ? 'forbidden' : 'unauthorized', { error: e.message });
      }
      throw e;
    }
    return true;
  }

  /** Returns the actor, or throws 401/403. */
  authenticate(authorization: string | undefined, xActor: string | undefined): string {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
    if (!m) throw new UnauthorizedException(authorization ? 'authorization must be "Bearer <token>"' : 'missing bearer token');
    const given = digest(m[1] ?? '');
    let name: string | null = null;
    // Compare against every token (no early exit) so timing does not reveal which one matched.
    for (const t of this.tokens) if (timingSafeEqual(given, t.digest)) name = t.name;
    if (name === null) throw new ForbiddenException('wrong bearer token');
    return actorName(name, xActor);
  }
}

/** `X-Actor` (when well-formed) qualified by the token's name; the token's name otherwise. */
export function actorName(tokenName: string, xActor: string | undefined): string {
  const who = xActor?.trim();
  return who && /^[\w .@+-]{1,100}$/.test(who) && who !== tokenName ? `${who} (${tokenName})` : tokenName;
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
