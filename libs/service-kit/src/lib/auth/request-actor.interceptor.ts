import type { EventActor } from '@enclave/contracts';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { TraceContext } from '../context/trace-context';

/** The request fields an authentication guard fills in and this interceptor reads. */
export interface AuthenticatedRequest {
  actor?: EventActor;
  /** The correlation id the logging middleware gave the request, when it runs. */
  id?: unknown;
  headers: Record<string, string | string[] | undefined>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Runs an HTTP handler inside the trace context of its request: the actor the guard authenticated,
 * and the request's correlation id when it is one an event envelope accepts (a UUID), so the events
 * the call writes say who asked and can be followed back to the call's log lines.
 */
@Injectable()
export class RequestActorInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const given = request.id ?? request.headers['x-correlation-id'];
    const correlationId = typeof given === 'string' && UUID.test(given) ? given : undefined;
    const fields = { actor: request.actor, ...(correlationId ? { correlationId } : {}) };
    return new Observable((subscriber) =>
      TraceContext.run(fields, () => next.handle().subscribe(subscriber)),
    );
  }
}
