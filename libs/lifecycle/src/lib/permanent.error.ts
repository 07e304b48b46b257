/** A failure that retrying cannot fix (a bad manifest, a name owned by someone else): fail the stage now. */
export class PermanentStageError extends Error {
  readonly retryable = false;

  constructor(message: string) {
    super(message);
    this.name = 'PermanentStageError';
  }
}
