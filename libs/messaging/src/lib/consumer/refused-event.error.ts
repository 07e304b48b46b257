/**
 * An event a handler refuses because it disagrees with what is known where the state is owned (a
 * name or path other than the derived one, an offboarding or a rotation nobody asked for): a forged
 * or corrupt event. Never retried (`retryable: false`): the consumer dead-letters it at once, with
 * this message as the cause, and nothing is changed.
 */
export class RefusedEventError extends Error {
  readonly retryable = false;

  constructor(message: string) {
    super(message);
    this.name = 'RefusedEventError';
  }
}
