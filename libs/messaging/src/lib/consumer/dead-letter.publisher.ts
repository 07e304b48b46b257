import { deadLetterTopicOf } from '@enclave/contracts';
import { IHeaders, KafkaMessage, Producer } from 'kafkajs';
import { PlatformMetrics, maskUrlCredentials } from '@enclave/service-kit';

/** Headers of every dead letter that describe the failure (the original message's own are kept). */
export const DEAD_LETTER_HEADER_PREFIX = 'x-dlq-';

/**
 * On a dead letter replayed onto its source topic: the consumer group it is for. Other groups skip it
 * (they handled the event, or have a dead letter of their own for it).
 */
export const REPLAY_FOR_GROUP_HEADER = 'x-replay-for-group';

/** On a replayed dead letter: the id of the dead letter it replays (for logs and tracing). */
export const REPLAY_OF_HEADER = 'x-replay-of';

export interface DeadLetter {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
  readonly group: string;
  readonly attempts: number;
  readonly error: unknown;
}

type HeaderValue = IHeaders[string];

const isBytes = (v: unknown): v is Buffer | string => Buffer.isBuffer(v) || typeof v === 'string';

/**
 * The original message's headers as they can be sent again: own entries whose values are bytes or
 * text (or lists of them). A letter that cannot be sent stalls its partition forever, so nothing a
 * decoder may hand over (a function, a number) is passed to the producer.
 */
function sendableHeaders(headers: KafkaMessage['headers']): IHeaders {
  const kept: IHeaders = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    const sendable: HeaderValue = Array.isArray(value)
      ? value.filter(isBytes)
      : isBytes(value)
        ? value
        : undefined;
    if (sendable !== undefined) kept[key] = sendable;
  }
  return kept;
}

/**
 * Sends an event that can never be handled to `<topic>.dlq`: the original bytes and key, with the
 * cause and its origin in headers, so it can be inspected and replayed onto the source topic.
 */
export class DeadLetterPublisher {
  constructor(private readonly producer: Pick<Producer, 'send'>) {}

  async publish(letter: DeadLetter): Promise<void> {
    const error = letter.error as Error;
    const headers: IHeaders = {
      ...sendableHeaders(letter.message.headers),
      'x-dlq-reason': maskUrlCredentials(error?.message ?? String(letter.error)).slice(0, 2_000),
      'x-dlq-error': error?.name ?? 'Error',
      'x-dlq-source-topic': letter.topic,
      'x-dlq-source-partition': String(letter.partition),
      'x-dlq-source-offset': letter.message.offset,
      'x-dlq-consumer-group': letter.group,
      'x-dlq-attempts': String(letter.attempts),
      'x-dlq-failed-at': new Date().toISOString(),
    };
    await this.producer.send({
      topic: deadLetterTopicOf(letter.topic),
      messages: [{ key: letter.message.key, value: letter.message.value, headers }],
    });
    PlatformMetrics.deadLetters.inc({ topic: letter.topic });
  }
}
