import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import { PRODUCT_API } from './product-api.decorator';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Operators authenticate with a bearer token; compared in constant time, never logged. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(
    token: string,
    private readonly reflector: Reflector,
  ) {
    this.expected = digest(token);
  }

  canActivate(context: ExecutionContext): boolean {
    // Global guards also see consumed events; only HTTP calls are operator calls.
    if (context.getType() !== 'http') return true;
    // Product routes have their own guard; the operator token is no key to them.
    if (
      this.reflector.getAllAndOverride<boolean>(PRODUCT_API, [
        context.getHandler(),
        context.getClass(),
      ])
    ) {
      return true;
    }
    const request = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | undefined>; url: string }>();
    if (request.url.startsWith('/health')) return true;
    const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
    if (!match || !timingSafeEqual(digest(match[1]), this.expected)) {
      throw new UnauthorizedException('a valid operator bearer token is required');
    }
    return true;
  }
}
