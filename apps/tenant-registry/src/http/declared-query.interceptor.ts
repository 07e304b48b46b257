import {
  BadRequestException,
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { Request } from 'express';
import { Observable } from 'rxjs';

/** Whether a handler reads its query (a strict zod DTO then refuses keys it does not know). */
function readsQuery(context: ExecutionContext): boolean {
  const args: Record<string, unknown> =
    Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), context.getHandler().name) ?? {};
  return Object.keys(args).some((key) => key.split(':')[0] === String(RouteParamtypes.QUERY));
}

/**
 * A route takes only the query parameters it declares, as a body takes only its schema's keys: a
 * stray one on a route that reads none is 400, not silently ignored.
 */
@Injectable()
export class DeclaredQueryInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const names = Object.keys(context.switchToHttp().getRequest<Request>().query ?? {});
      if (names.length > 0 && !readsQuery(context)) {
        throw new BadRequestException(
          `this route takes no query parameters (got ${names.join(', ')})`,
        );
      }
    }
    return next.handle();
  }
}
