/** What a rejected intake request is answered with, as far as the request could be read. */
export interface IntakeRejection {
  readonly reason: string;
  /** Absent when no request id could be read: the request is dead-lettered but cannot be answered. */
  readonly requestId?: string;
  readonly tenantId?: string;
  readonly product?: string;
}

/** The cause a rejected intake request is dead-lettered with (`x-dlq-error`, `x-dlq-reason`). */
export class IntakeRejectedError extends Error {
  override readonly name = 'IntakeRejectedError';
}
