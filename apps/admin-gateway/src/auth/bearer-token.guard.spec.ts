import { ForbiddenException, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import { validateGatewayEnv } from '../config/gateway-config';
import { actorName, BearerTokenGuard, type AuthedRequest } from './bearer-token.guard';

const env = validateGatewayEnv({ ADMIN_TOKEN: 'the-admin-token', ADMIN_TOKENS: 'alice=alice-token-123,bob=bob-token-4567' });
const guard = new BearerTokenGuard({ getOrThrow: () => env } as unknown as ConfigService);

function ctx(headers: Record<string, string>): { context: ExecutionContext; req: AuthedRequest } {
  const req: AuthedRequest = { headers };
  const context = { switchToHttp: () => ({ getRequest: () => req }) } as unknown as ExecutionContext;
  return { context, req };
}

describe('BearerTokenGuard', () => {
  it('401 without a bearer token, or with another scheme', async () => {
    await expect(guard.canActivate(ctx({}).context)).rejects.toThrow(new UnauthorizedException('missing bearer token'));
    await expect(guard.canActivate(ctx({ authorization: 'Basic the-admin-token' }).context)).rejects.toThrow(new UnauthorizedException('authorization must be "Bearer <token>"'));
    await expect(guard.canActivate(ctx({ authorization: 'Bearer' }).context)).rejects.toThrow(UnauthorizedException);
    await expect(guard.canActivate(ctx({ authorization: 'Bearer a b' }).context)).rejects.toThrow(UnauthorizedException);
  });

  it('403 with a wrong token (also a prefix, a longer one, another case)', async () => {
    for (const t of ['wrong', 'the-admin-toke', 'the-admin-token-2', 'THE-ADMIN-TOKEN']) {
      await expect(guard.canActivate(ctx({ authorization: `Bearer ${t}` }).context)).rejects.toThrow(new ForbiddenException('wrong bearer token'));
    }
  });

  it('lets the right token through and names the actor after the token', async () => {
    const a = ctx({ authorization: 'Bearer the-admin-token' });
    expect(await guard.canActivate(a.context)).toBe(true);
    expect(a.req.actor).toBe('admin');
    const b = ctx({ authorization: 'bearer bob-token-4567' });
    expect(await guard.canActivate(b.context)).toBe(true);
    expect(b.req.actor).toBe('bob');
  });

  it('X-Actor refines the actor, qualified by the token’s name; malformed values are ignored', async () => {
    const a = ctx({ authorization: 'Bearer alice-token-123', 'x-actor': 'deploy-bot' });
    await guard.canActivate(a.context);
    expect(a.req.actor).toBe('deploy-bot (alice)');
    expect(actorName('admin', 'alice')).toBe('alice (admin)');
    expect(actorName('admin', 'admin')).toBe('admin');
    expect(actorName('admin', '<script>')).toBe('admin');
    expect(actorName('admin', 'x'.repeat(101))).toBe('admin');
    expect(actorName('admin', undefined)).toBe('admin');
  });
});
