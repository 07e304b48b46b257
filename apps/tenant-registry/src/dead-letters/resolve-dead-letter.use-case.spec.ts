import { ALL_TENANTS, DeadLetterDiscarded, DeadLetterReplayed } from '@enclave/contracts';
import { OutboxWriter, TopicNamer } from '@enclave/messaging';
import { TraceContext } from '@enclave/service-kit';
import { ConflictException, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DeadLetterEntity } from './dead-letter.entity';
import { DeadLetterStatus } from './dead-letter-status';
import { ResolveDeadLetterUseCase } from './resolve-dead-letter.use-case';

function setup(status: DeadLetterStatus | 'missing', tenantId: string | null = 'acme') {
  const letter = Object.assign(new DeadLetterEntity(), {
    id: randomUUID(),
    sourceTopic: 'enclave.tenant.created',
    consumerGroup: 'run1.enclave.gated',
    eventId: randomUUID(),
    eventType: 'TenantCreated',
    tenantId,
    cause: 'tenant acme is not allowed',
    messageKey: Buffer.from('acme'),
    messageValue: Buffer.from('{"the":"event"}'),
    headers: { traceparent: '00-abc' },
    status: status === 'missing' ? 'open' : status,
    resolvedAt: status === 'open' || status === 'missing' ? null : new Date(),
  });
  const tx = {
    findOne: async () => (status === 'missing' ? null : letter),
    save: jest.fn(async () => letter),
  };
  const dataSource = {
    transaction: (work: (t: typeof tx) => Promise<unknown>) => work(tx),
  } as unknown as DataSource;
  const append = jest.fn(async () => undefined);
  const send = jest.fn(async () => []);
  const useCase = new ResolveDeadLetterUseCase(
    dataSource,
    { append } as unknown as OutboxWriter,
    { send },
    new TopicNamer('run1.'),
  );
  return { letter, append, send, save: tx.save, useCase };
}

const operator = { kind: 'operator', name: 'operator' } as const;
const asOperator = <T>(work: () => Promise<T>) => TraceContext.run({ actor: operator }, work);

describe('ResolveDeadLetterUseCase', () => {
  it('replays the original message to its topic, for the failing group only, and records who and why', async () => {
    const { letter, append, send, save, useCase } = setup('open');
    await asOperator(() => useCase.execute(letter.id, 'replay', 'tenant allowed now', 'corr'));
    expect(send).toHaveBeenCalledWith({
      topic: 'run1.enclave.tenant.created',
      messages: [
        {
          key: letter.messageKey,
          value: letter.messageValue,
          headers: {
            traceparent: '00-abc',
            'x-replay-of': letter.id,
            'x-replay-for-group': 'run1.enclave.gated',
          },
        },
      ],
    });
    expect(save).toHaveBeenCalledWith(
      expect.objectContaining({
        status: 'replayed',
        resolvedBy: operator,
        resolutionReason: 'tenant allowed now',
      }),
    );
    expect(append).toHaveBeenCalledWith(
      expect.anything(),
      DeadLetterReplayed,
      {
        deadLetterId: letter.id,
        sourceTopic: 'enclave.tenant.created',
        consumerGroup: 'run1.enclave.gated',
        eventId: letter.eventId,
        eventType: 'TenantCreated',
        cause: 'tenant acme is not allowed',
        reason: 'tenant allowed now',
      },
      { tenantId: 'acme', correlationId: 'corr' },
    );
  });

  it('discards without sending anything; a letter of no known tenant is announced for all', async () => {
    const { letter, append, send, useCase } = setup('open', null);
    const result = await asOperator(() => useCase.execute(letter.id, 'discard', 'obsolete'));
    expect(result.status).toBe('discarded');
    expect(send).not.toHaveBeenCalled();
    expect(append).toHaveBeenCalledWith(
      expect.anything(),
      DeadLetterDiscarded,
      expect.objectContaining({ reason: 'obsolete' }),
      { tenantId: ALL_TENANTS, correlationId: undefined },
    );
  });

  it.each(['replayed', 'discarded'] as const)(
    'refuses to decide again on a %s letter (409) and sends nothing',
    async (status) => {
      const { letter, append, send, useCase } = setup(status);
      await expect(useCase.execute(letter.id, 'replay', 'again')).rejects.toThrow(
        ConflictException,
      );
      expect(send).not.toHaveBeenCalled();
      expect(append).not.toHaveBeenCalled();
    },
  );

  it('answers 404 for an unknown letter', async () => {
    const { useCase } = setup('missing');
    await expect(useCase.execute(randomUUID(), 'discard', 'x')).rejects.toThrow(NotFoundException);
  });

  it('leaves the letter open when the replay cannot be sent', async () => {
    const { letter, send, save, useCase } = setup('open');
    send.mockRejectedValueOnce(new Error('KafkaJSConnectionError'));
    await expect(useCase.execute(letter.id, 'replay', 'fixed')).rejects.toThrow('KafkaJS');
    expect(save).not.toHaveBeenCalled();
    expect(letter.status).toBe('open');
  });
});
