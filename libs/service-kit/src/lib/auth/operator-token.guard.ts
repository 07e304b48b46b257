import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { OperatorAuthenticator } from './operator-authenticator';
import { OPERATOR_TOKEN_REQUIRED } from './operator-token';
import { AuthenticatedRequest } from './request-actor.interceptor';
import { OWN_AUTHENTICATION } from './own-authentication.decorator';
import { PUBLIC_ROUTE } from './public.decorator';

/**
 * Global guard: every HTTP route needs an operator token (the bootstrap token or, where the app keeps
 * them, a named one) unless it is marked `@Public()` (health) or `@OwnAuthentication()`. Marks, not
 * URL prefixes, so a new route is closed until said otherwise.
 */
@Injectable()
export class OperatorTokenGuard implements CanActivate {
  constructor(
    private readonly authenticator: OperatorAuthenticator,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Global guards also see consumed events; only HTTP calls are operator calls.
    if (context.getType() !== 'http') return true;
    const marked = (key: string) =>
      this.reflector.getAllAndOverride<boolean>(key, [context.getHandler(), context.getClass()]);
    if (marked(PUBLIC_ROUTE) || marked(OWN_AUTHENTICATION)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const actor = await this.authenticator.authenticate(request.headers.authorization);
    if (!actor) throw new UnauthorizedException(OPERATOR_TOKEN_REQUIRED);
    // What every event this call writes is stamped with: the operator the token names.
    request.actor = actor;
    return true;
  }
}
