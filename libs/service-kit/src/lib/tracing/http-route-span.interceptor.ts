import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { Observable } from 'rxjs';

/**
 * Names the HTTP server span after the route that handles the request (`POST
 * /v1/tenants/:tenantId/services`, with `http.route`), as OpenTelemetry's conventions ask: the http
 * instrumentation alone only knows the method. A no-op while tracing is off.
 */
@Injectable()
export class HttpRouteSpanInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const request = context
        .switchToHttp()
        .getRequest<{ method?: string; route?: { path?: unknown } }>();
      const route = request.route?.path;
      const span = trace.getActiveSpan();
      if (span && typeof route === 'string') {
        span.setAttribute('http.route', route);
        span.updateName(`${request.method ?? 'GET'} ${route}`);
      }
    }
    return next.handle();
  }
}
