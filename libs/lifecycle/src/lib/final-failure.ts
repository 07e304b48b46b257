import { EventContext, isInfrastructureFailure } from '@enclave/messaging';
import { maskUrlCredentials } from '@enclave/service-kit';

/**
 * What a stage's failure means: the cause to report (credentials masked) once it is final, or
 * null while the consumer should retry. Final: a permanent error at once, any other when the
 * retries run out. A server that is away or saturated (refused, reset, too many connections) is
 * never final: the consumer retries until it is back.
 */
export function finalFailure(ctx: EventContext, error: unknown): string | null {
  const permanent = (error as { retryable?: unknown }).retryable === false;
  if (!permanent && (!ctx.delivery.finalAttempt || isInfrastructureFailure(error))) return null;
  return maskUrlCredentials((error as Error).message ?? String(error)).slice(0, 2_000);
}
