import { EventDefinition, EventEnvelope, EventOf } from '@enclave/contracts';
import {
  ArgumentsHost,
  Catch,
  RpcExceptionFilter,
  UseFilters,
  applyDecorators,
} from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Observable, throwError } from 'rxjs';
import { EventContext } from './event.context';

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

/** The shape of a handler method for event `D`. */
export type EventHandlerMethod<D extends EventDefinition> = (
  event: EventOf<D>,
  ctx: EventContext,
) => unknown;

// True only when A and B are the same type (not merely assignable either way).
type Same<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** What the compiler reports when a handler's parameter is not the event it is decorated with. */
interface HandlerMismatch<D extends EventDefinition> {
  readonly handlerParameterMustBe: EventOf<D>;
}

/** How a handler is registered, beyond its event. */
export interface HandlesEventOptions<D extends EventDefinition> {
  /**
   * Whether this event concerns the handler at all, from the event alone (no I/O, the same answer on
   * every delivery). One it does not concern is acknowledged without a transaction or a processed-
   * event record: a no-op handling costs a database round trip per event, and per registration.
   */
  readonly concerns?: (event: EventOf<D>) => boolean;
}

/** The `extras` Nest keeps on the handler of a pattern, read by the EventConsumerServer. */
export interface EventHandlerExtras {
  readonly concerns?: (event: EventEnvelope) => boolean;
}

/**
 * Marks a method as the handler of one event type. One handler file per event. The method's event
 * parameter must be exactly `EventOf<typeof def>`: a handler paired with the wrong event, or one
 * that widens its parameter, does not compile (class methods are compared bivariantly, so the
 * decorator checks equality itself and answers a type error through its return type).
 */
export function HandlesEvent<D extends EventDefinition>(
  def: D,
  options: HandlesEventOptions<D> = {},
) {
  const extras: EventHandlerExtras = options.concerns
    ? { concerns: options.concerns as (event: EventEnvelope) => boolean }
    : {};
  const decorate = applyDecorators(
    EventPattern(def.topic, extras),
    UseFilters(new RethrowEventErrorFilter()),
  );
  return <M extends EventHandlerMethod<D>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): Same<Parameters<M>[0], EventOf<D>> extends true ? void : HandlerMismatch<D> => {
    decorate(target, key, descriptor);
    return undefined as Same<Parameters<M>[0], EventOf<D>> extends true ? void : HandlerMismatch<D>;
  };
}
