import { ForbiddenException, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { timingSafeEqual } from 'node:crypto';
import type { GatewayEnv } from '../config/gateway-config';

/** Mutating routes need `Authorization: Bearer <ADMIN_TOKEN>`: 401 without it, 403 when wrong. */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  private readonly token: Buffer;

  constructor(config: ConfigService) {
    this.token = Buffer.from(config.get<GatewayEnv>('gateway')!.ADMIN_TOKEN);
  }

  canActivate(ctx: ExecutionContext): boolean {
    const header = ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers['authorization'];
    const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
    if (!m) throw new UnauthorizedException('missing bearer token');
    const given = Buffer.from(m[1]!);
    if (given.length !== this.token.length || !timingSafeEqual(given, this.token)) throw new ForbiddenException('wrong bearer token');
    return true;
  }
}

/** Who is acting, for the audit log: the X-Actor header, or "admin". */
export function actorOf(headers: Record<string, string | string[] | undefined>): string {
  const a = headers['x-actor'];
  const v = Array.isArray(a) ? a[0] : a;
  return v && /^[\w.@-]{1,128}$/.test(v) ? v : 'admin';
}
