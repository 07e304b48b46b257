export type EventDecodeReason =
  | 'malformed-json'
  | 'invalid-envelope'
  | 'unknown-topic'
  | 'type-mismatch'
  | 'unsupported-version'
  | 'invalid-payload';

/**
 * An event that can never be handled as it is. `retryable: false` tells consumers to dead-letter it
 * at once instead of retrying (duck-typed so the messaging lib needs no dependency on this class).
 */
export class EventDecodeError extends Error {
  readonly retryable = false;

  constructor(
    readonly reason: EventDecodeReason,
    detail: string,
  ) {
    super(`${reason}: ${detail}`);
    this.name = 'EventDecodeError';
  }
}
