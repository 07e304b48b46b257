import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IncomingHttpHeaders } from 'node:http';
import { OPERATOR_TOKEN_REQUIRED, OperatorToken } from './operator-token';
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
    const request = context.switchToHttp().getRequest<{ headers: IncomingHttpHeaders }>();
    if (!this.token.admits(request.headers.authorization)) {
      throw new UnauthorizedException(OPERATOR_TOKEN_REQUIRED);
    }
    return true;
  }
}
