import { EventDefinition } from '@enclave/contracts';
import {
  ArgumentsHost,
  Catch,
  RpcExceptionFilter,
  UseFilters,
  applyDecorators,
} from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Observable, throwError } from 'rxjs';

/**
 * Nest's default RPC filter swallows an error into `{ status, message }`; the consumer needs the
 * original (its `retryable` flag, its SQLSTATE) to choose between retry and dead-letter.
 */
@Catch()
class RethrowEventErrorFilter implements RpcExceptionFilter {
  catch(error: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => error);
  }
}

/** Marks a method as the handler of one event type. One handler file per event. */
export function HandlesEvent(def: EventDefinition<string, unknown>): MethodDecorator {
  return applyDecorators(EventPattern(def.topic), UseFilters(new RethrowEventErrorFilter()));
}
