import { DEAD_LETTER_HEADER_PREFIX, TopicNamer } from '@enclave/messaging';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { DeadLetterEntity } from './dead-letter.entity';

export type DeadLetterFields = Omit<
  DeadLetterEntity,
  'id' | 'seq' | 'status' | 'resolvedAt' | 'resolvedBy' | 'resolutionReason' | 'receivedAt'
>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** PostgreSQL text and jsonb hold no U+0000: stored as U+FFFD (the message's bytes stay as they were). */
const storable = (value: string): string => value.replaceAll('\u0000', '\ufffd');

const text = (value: IHeaders[string]): string | undefined =>
  value === undefined
    ? undefined
    : storable(Array.isArray(value) ? String(value[0]) : String(value));

const shortText = (value: unknown, max: number): string | null =>
  typeof value === 'string' && value.length > 0 && value.length <= max ? storable(value) : null;

/**
 * What a message of a `<topic>.dlq` topic says (DeadLetterPublisher's headers), with what can be read
 * of the event it carries. Any bytes are accepted: a dead letter is kept even when it is no envelope.
 */
export function readDeadLetterMessage(
  dlqTopic: string,
  partition: number,
  message: KafkaMessage,
  topics: TopicNamer,
): DeadLetterFields {
  const headers = message.headers ?? {};
  const header = (name: string) => text(headers[`${DEAD_LETTER_HEADER_PREFIX}${name}`]);
  const sourcePhysical = header('source-topic') ?? dlqTopic.replace(/\.dlq$/, '');
  const sourcePartition = Number(header('source-partition'));
  const sourceOffset = header('source-offset');
  const attempts = Number(header('attempts'));
  const failedAt = new Date(header('failed-at') ?? Number(message.timestamp));
  const event = envelopeFields(message.value);
  const own: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith(DEAD_LETTER_HEADER_PREFIX) && value !== undefined) {
      own[storable(name)] = text(value)!;
    }
  }
  const known = Number.isInteger(sourcePartition) && sourceOffset !== undefined;
  return {
    sourceTopic: topics.logical(sourcePhysical),
    // Without its origin, the letter's own place in the dead-letter topic identifies it.
    sourcePartition: known ? sourcePartition : -1,
    sourceOffset: known ? sourceOffset : `dlq:${partition}:${message.offset}`,
    consumerGroup: header('consumer-group') ?? 'unknown',
    eventId: event.eventId,
    eventType: event.eventType,
    tenantId: event.tenantId,
    errorName: header('error') ?? 'Error',
    cause: header('reason') ?? '(no cause recorded)',
    attempts: Number.isInteger(attempts) && attempts > 0 ? attempts : 1,
    failedAt: Number.isNaN(failedAt.getTime()) ? new Date() : failedAt,
    messageKey: message.key ?? null,
    messageValue: message.value ?? null,
    headers: own,
  };
}

function envelopeFields(value: Buffer | null): {
  eventId: string | null;
  eventType: string | null;
  tenantId: string | null;
} {
  let json: unknown;
  try {
    json = JSON.parse(value?.toString('utf8') ?? '');
  } catch {
    json = null;
  }
  const envelope = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
  return {
    eventId: typeof envelope.id === 'string' && UUID.test(envelope.id) ? envelope.id : null,
    eventType: shortText(envelope.type, 120),
    tenantId: shortText(envelope.tenantId, 120),
  };
}
