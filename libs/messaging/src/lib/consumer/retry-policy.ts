export interface RetryPolicy {
  /** Attempts for an ordinary handler error before the event is dead-lettered. */
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

// About 15 s of retries before an ordinary failure is final: long enough to ride out a dependency's restart.
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  initialDelayMs: 200,
  maxDelayMs: 5_000,
};

/** Exponential backoff with full jitter, so replicas retrying together do not stampede. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);
const PG_CODELESS_LOSS = /^(timeout exceeded when trying to connect|Connection terminated)/;

/**
 * Failures of the platform's own infrastructure (its database restarting, a serialization conflict)
 * say nothing about the event: they are retried without limit instead of dead-lettering good events.
 */
export function isInfrastructureFailure(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string') {
    if (TRANSIENT_CODES.has(code)) return true;
    // SQLSTATE classes: 08 connection exception, 53 insufficient resources, 57P admin shutdown,
    // 40001 serialization failure, 40P01 deadlock.
    if (/^(08|53|57P)/.test(code) || code === '40001' || code === '40P01') return true;
  }
  const name = (error as { name?: unknown })?.name;
  if (name === 'KafkaJSConnectionError' || name === 'KafkaJSNumberOfRetriesExceeded') return true;
  // node-postgres says these without a code: its pool found no free connection in time, or the
  // server dropped the session.
  const message = (error as { message?: unknown })?.message;
  return typeof message === 'string' && PG_CODELESS_LOSS.test(message);
}

/** Errors that declare they can never succeed (bad payloads, poison events) skip retries. */
export function isNonRetryable(error: unknown): boolean {
  return (error as { retryable?: unknown })?.retryable === false;
}
