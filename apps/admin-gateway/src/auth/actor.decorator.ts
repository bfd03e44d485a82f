import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthedRequest } from './bearer-token.guard';

/** The authenticated actor (set by BearerTokenGuard). */
export const Actor = createParamDecorator((_: unknown, ctx: ExecutionContext): string => ctx.switchToHttp().getRequest<AuthedRequest>().actor ?? 'anonymous');
