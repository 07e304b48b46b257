import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { OPERATOR_ACTOR, OPERATOR_TOKEN_REQUIRED, OperatorToken } from './operator-token';
import { AuthenticatedRequest } from './request-actor.interceptor';
import { OWN_AUTHENTICATION } from './own-authentication.decorator';
import { PUBLIC_ROUTE } from './public.decorator';

/**
 * Global guard: every HTTP route needs the operator token unless it is marked `@Public()` (health)
 * or `@OwnAuthentication()`. Marks, not URL prefixes, so a new route is closed until said otherwise.
 */
@Injectable()
export class OperatorTokenGuard implements CanActivate {
  constructor(
    private readonly token: OperatorToken,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    // Global guards also see consumed events; only HTTP calls are operator calls.
    if (context.getType() !== 'http') return true;
    const marked = (key: string) =>
      this.reflector.getAllAndOverride<boolean>(key, [context.getHandler(), context.getClass()]);
    if (marked(PUBLIC_ROUTE) || marked(OWN_AUTHENTICATION)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!this.token.admits(request.headers.authorization)) {
      throw new UnauthorizedException(OPERATOR_TOKEN_REQUIRED);
    }
    // One shared token names no one in particular (yet): its holder is "the operator".
    request.actor = OPERATOR_ACTOR;
    return true;
  }
}
