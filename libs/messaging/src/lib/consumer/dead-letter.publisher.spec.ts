import { KafkaMessage, Message } from 'kafkajs';
import { DeadLetterPublisher } from './dead-letter.publisher';

function publishOf(headers: KafkaMessage['headers']) {
  const send = jest.fn(async (_: { topic: string; messages: Message[] }) => []);
  const publisher = new DeadLetterPublisher({ send } as never);
  const message = { key: Buffer.from('k'), value: Buffer.from('v'), offset: '7', headers };
  return {
    send,
    publish: () =>
      publisher.publish({
        topic: 'run.t',
        partition: 2,
        message,
        group: 'run.g',
        attempts: 3,
        error: new TypeError('bad'),
      } as never),
  };
}

describe('DeadLetterPublisher', () => {
  it('sends the original bytes to <topic>.dlq with the cause and its origin in headers', async () => {
    const { send, publish } = publishOf({ traceparent: Buffer.from('00-abc') });
    await publish();
    const { topic, messages } = send.mock.calls[0][0];
    expect(topic).toBe('run.t.dlq');
    expect(String(messages[0].value)).toBe('v');
    expect(messages[0].headers).toMatchObject({
      traceparent: Buffer.from('00-abc'),
      'x-dlq-reason': 'bad',
      'x-dlq-error': 'TypeError',
      'x-dlq-source-topic': 'run.t',
      'x-dlq-source-partition': '2',
      'x-dlq-source-offset': '7',
      'x-dlq-consumer-group': 'run.g',
      'x-dlq-attempts': '3',
    });
  });

  it('keeps only header values a producer can send, so a letter never stalls its partition', async () => {
    const { send, publish } = publishOf({
      kept: Buffer.from('a'),
      repeated: [Buffer.from('b'), (() => 1) as never, Buffer.from('c')],
      toString: [Object.prototype.toString as never, Buffer.from('d')],
      weird: 42 as never,
    });
    await publish();
    const headers = send.mock.calls[0][0].messages[0].headers!;
    expect(headers['kept']).toEqual(Buffer.from('a'));
    expect(headers['repeated']).toEqual([Buffer.from('b'), Buffer.from('c')]);
    expect(headers['toString']).toEqual([Buffer.from('d')]);
    expect(Object.prototype.hasOwnProperty.call(headers, 'weird')).toBe(false);
  });
});
