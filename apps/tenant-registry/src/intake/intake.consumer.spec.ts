import { IntakeReply, intakeRequestsTopic } from '@enclave/contracts';
import { DeadLetterPublisher, REPLAY_FOR_GROUP_HEADER, TopicNamer } from '@enclave/messaging';
import { EachMessagePayload, Kafka, KafkaMessage } from 'kafkajs';
import { HandleIntakeRequestUseCase } from './handle-intake-request.use-case';
import { IntakeConsumer } from './intake.consumer';
import { intakePublishersSchema } from './intake-publishers';

const requestId = '5b3c1f0e-8d2a-4c1b-9f3e-2a7d6c4b1e90';
const topics = new TopicNamer('run-1.');
const topic = topics.physical(intakeRequestsTopic('signup'));

function setup(reply: (status: IntakeReply['status']) => IntakeReply | null) {
  const execute = jest.fn(async () => reply('accepted'));
  const reject = jest.fn(async () => reply('rejected'));
  const publish = jest.fn(async () => undefined);
  const consumer = new IntakeConsumer(
    {} as Kafka,
    { maxBytes: 1024, topicPartitions: 1, concurrency: 1 },
    topics,
    intakePublishersSchema.parse('signup=ledger'),
    { publish } as unknown as DeadLetterPublisher,
    { execute, reject } as unknown as HandleIntakeRequestUseCase,
  );
  const deliver = (value: string, headers: KafkaMessage['headers'] = {}) =>
    (consumer as unknown as { onMessage(p: Partial<EachMessagePayload>): Promise<void> }).onMessage(
      {
        topic,
        partition: 2,
        message: { value: Buffer.from(value), offset: '7', headers } as KafkaMessage,
      },
    );
  return { consumer, execute, reject, publish, deliver };
}

const request = JSON.stringify({
  kind: 'resume-tenant',
  requestId,
  publisher: 'signup',
  tenantId: 'acme-corp',
});

describe('IntakeConsumer', () => {
  it('hands a readable request to the use-case and dead-letters nothing it accepts', async () => {
    const t = setup((status) => ({ requestId, status, tenantId: 'acme-corp' }));
    await t.deliver(request);
    expect(t.execute).toHaveBeenCalledWith('signup', expect.objectContaining({ requestId }));
    expect(t.publish).not.toHaveBeenCalled();
  });

  it('dead-letters a request the use-case rejected, with its reason, in its own group', async () => {
    const t = setup(() => ({
      requestId,
      status: 'rejected',
      reason: 'tenant acme-corp does not exist',
      tenantId: 'acme-corp',
    }));
    await t.deliver(request);
    expect(t.publish).toHaveBeenCalledWith(
      expect.objectContaining({
        topic,
        partition: 2,
        group: 'run-1.enclave.tenant-registry.intake',
        attempts: 1,
        error: expect.objectContaining({
          name: 'IntakeRejectedError',
          message: 'tenant acme-corp does not exist',
        }),
      }),
    );
  });

  it('dead-letters an unreadable request even when it cannot be answered', async () => {
    const t = setup(() => null);
    await t.deliver('{"kind":');
    expect(t.execute).not.toHaveBeenCalled();
    expect(t.reject).toHaveBeenCalledWith('signup', {
      reason: expect.stringMatching(/^malformed JSON/),
    });
    expect(t.publish).toHaveBeenCalledWith(
      expect.objectContaining({
        error: expect.objectContaining({ message: expect.stringMatching(/^malformed JSON/) }),
      }),
    );
  });

  it('skips a replayed dead letter meant for another consumer group', async () => {
    const t = setup((status) => ({ requestId, status, tenantId: 'acme-corp' }));
    await t.deliver(request, { [REPLAY_FOR_GROUP_HEADER]: 'run-1.enclave.other' });
    expect(t.execute).not.toHaveBeenCalled();
    await t.deliver(request, { [REPLAY_FOR_GROUP_HEADER]: t.consumer.group });
    expect(t.execute).toHaveBeenCalledTimes(1);
  });

  it('lets a failure that is not the request’s fault through, for kafkajs to deliver it again', async () => {
    const t = setup(() => null);
    t.execute.mockRejectedValueOnce(new Error('database away'));
    await expect(t.deliver(request)).rejects.toThrow('database away');
    expect(t.publish).not.toHaveBeenCalled();
  });
});
