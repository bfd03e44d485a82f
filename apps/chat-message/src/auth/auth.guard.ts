import { createParamDecorator, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { AuthService, type AuthUser } from './auth.service';

type AuthedRequest = Request & { user?: AuthUser };

/** Requires a valid user token (401 otherwise) and puts the user on the request. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly auth: AuthService) {}

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    req.user = this.auth.verify(AuthService.tokenFrom(req.headers.authorization, req.query['access_token']));
    return true;
  }
}

/** The authenticated user (after {@link AuthGuard}). */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => {
  const user = ctx.switchToHttp().getRequest<AuthedRequest>().user;
  if (!user) throw new Error('CurrentUser used without AuthGuard');
  return user;
});
