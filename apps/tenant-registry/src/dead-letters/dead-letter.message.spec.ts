import { TopicNamer } from '@enclave/messaging';
import type { KafkaMessage } from 'kafkajs';
import { readDeadLetterMessage } from './dead-letter.message';

const message = (over: Partial<KafkaMessage>): KafkaMessage =>
  ({
    key: Buffer.from('acme/ledger'),
    value: null,
    timestamp: '1764900000000',
    attributes: 0,
    offset: '7',
    size: 0,
    headers: {},
    ...over,
  }) as unknown as KafkaMessage;

describe('readDeadLetterMessage', () => {
  const topics = new TopicNamer('run1.');

  it('reads the cause and origin from the headers and the event from the envelope', () => {
    const envelope = {
      id: '3f1b7c1e-0d6a-4a8e-9a51-0c7e2f4b5d6a',
      type: 'TenantCreated',
      tenantId: 'acme',
      payload: {},
    };
    const letter = readDeadLetterMessage(
      'run1.enclave.tenant.created.dlq',
      0,
      message({
        value: Buffer.from(JSON.stringify(envelope)),
        headers: {
          traceparent: Buffer.from('00-abc-def-01'),
          'x-dlq-reason': Buffer.from('tenant acme is not allowed'),
          'x-dlq-error': Buffer.from('PreconditionError'),
          'x-dlq-source-topic': Buffer.from('run1.enclave.tenant.created'),
          'x-dlq-source-partition': Buffer.from('2'),
          'x-dlq-source-offset': Buffer.from('41'),
          'x-dlq-consumer-group': Buffer.from('run1.enclave.gated'),
          'x-dlq-attempts': Buffer.from('1'),
          'x-dlq-failed-at': Buffer.from('2026-12-05T12:00:00.000Z'),
        },
      }),
      topics,
    );
    expect(letter).toMatchObject({
      sourceTopic: 'enclave.tenant.created',
      sourcePartition: 2,
      sourceOffset: '41',
      consumerGroup: 'run1.enclave.gated',
      eventId: envelope.id,
      eventType: 'TenantCreated',
      tenantId: 'acme',
      errorName: 'PreconditionError',
      cause: 'tenant acme is not allowed',
      attempts: 1,
      failedAt: new Date('2026-12-05T12:00:00.000Z'),
      // Only the original message's own headers travel on with a replay.
      headers: { traceparent: '00-abc-def-01' },
    });
    expect(letter.messageValue?.toString()).toBe(JSON.stringify(envelope));
  });

  it('keeps a letter that is no envelope and has no dead-letter headers, identified by its own place', () => {
    const letter = readDeadLetterMessage(
      'run1.enclave.tenant.created.dlq',
      0,
      message({ value: Buffer.from('not json {') }),
      topics,
    );
    expect(letter).toMatchObject({
      sourceTopic: 'enclave.tenant.created',
      sourcePartition: -1,
      sourceOffset: 'dlq:0:7',
      consumerGroup: 'unknown',
      eventId: null,
      eventType: null,
      tenantId: null,
      attempts: 1,
      failedAt: new Date(1764900000000),
    });
  });

  it('takes no event id that is not a uuid', () => {
    const letter = readDeadLetterMessage(
      'x.dlq',
      0,
      message({ value: Buffer.from(JSON.stringify({ id: "1' OR 1=1", type: 7 })) }),
      new TopicNamer(),
    );
    expect(letter.eventId).toBeNull();
    expect(letter.eventType).toBeNull();
  });

  it('stores no U+0000 in the text it keeps (PostgreSQL text and jsonb refuse it)', () => {
    const letter = readDeadLetterMessage(
      'run1.enclave.tenant.created.dlq',
      0,
      message({
        value: Buffer.from(JSON.stringify({ type: 'a\u0000b', tenantId: '\u0000' })),
        headers: {
          'x\u0000': Buffer.from('v\u0000'),
          'x-dlq-reason': Buffer.from('Unexpected token \u0000'),
        },
      }),
      topics,
    );
    expect(JSON.stringify(letter)).not.toContain('\\u0000');
    expect(letter.cause).toBe('Unexpected token \ufffd');
    expect(letter.eventType).toBe('a\ufffdb');
    expect(letter.headers).toEqual({ 'x\ufffd': 'v\ufffd' });
    // The message itself is kept byte for byte.
    expect(letter.messageValue!.toString()).toContain('\\u0000');
  });
});
