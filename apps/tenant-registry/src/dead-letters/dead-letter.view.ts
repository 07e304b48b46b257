import { DeadLetterEntity } from './dead-letter.entity';

/** A dead letter as the list shows it: what failed, where, why, and what became of it. */
export function deadLetterSummary(letter: DeadLetterEntity) {
  return {
    id: letter.id,
    status: letter.status,
    sourceTopic: letter.sourceTopic,
    consumerGroup: letter.consumerGroup,
    eventId: letter.eventId,
    eventType: letter.eventType,
    tenantId: letter.tenantId,
    error: letter.errorName,
    cause: letter.cause,
    attempts: letter.attempts,
    failedAt: letter.failedAt,
    receivedAt: letter.receivedAt,
    resolution:
      letter.status === 'open'
        ? null
        : { at: letter.resolvedAt, by: letter.resolvedBy, reason: letter.resolutionReason },
  };
}

/**
 * One dead letter in full: its summary, where it was read from, its headers and the event it
 * carries (the envelope as JSON, or the raw text when it was not JSON). Events carry vault
 * references, never secrets, and the cause had credentials in URLs masked when it was written.
 */
export function deadLetterDetail(letter: DeadLetterEntity) {
  const raw = letter.messageValue?.toString('utf8') ?? null;
  let envelope: unknown = null;
  try {
    envelope = raw === null ? null : JSON.parse(raw);
  } catch {
    envelope = null;
  }
  return {
    ...deadLetterSummary(letter),
    source: { partition: letter.sourcePartition, offset: letter.sourceOffset },
    key: letter.messageKey?.toString('utf8') ?? null,
    headers: letter.headers,
    envelope,
    ...(envelope === null ? { raw } : {}),
  };
}
