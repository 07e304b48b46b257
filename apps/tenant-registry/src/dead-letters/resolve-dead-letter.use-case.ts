import { ALL_TENANTS, DeadLetterDiscarded, DeadLetterReplayed } from '@enclave/contracts';
import {
  KAFKA_PRODUCER,
  OutboxWriter,
  REPLAY_FOR_GROUP_HEADER,
  REPLAY_OF_HEADER,
  TopicNamer,
} from '@enclave/messaging';
import { TraceContext } from '@enclave/service-kit';
import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { DeadLetterEntity } from './dead-letter.entity';

export type DeadLetterAction = 'replay' | 'discard';

/**
 * An operator's decision on an open dead letter, taken once: replay (the original message goes back
 * onto its topic for the consumer group that gave up on it) or discard. The row is locked for the
 * decision; a replay is sent before the decision commits, so a failed send leaves the letter open,
 * and a decided letter answers 409. DeadLetterReplayed / DeadLetterDiscarded commit with the row.
 */
@Injectable()
export class ResolveDeadLetterUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    @Inject(KAFKA_PRODUCER) private readonly producer: Pick<Producer, 'send'>,
    private readonly topics: TopicNamer,
  ) {}

  execute(
    id: string,
    action: DeadLetterAction,
    reason: string,
    correlationId?: string,
  ): Promise<DeadLetterEntity> {
    return this.dataSource.transaction(async (tx) => {
      const letter = await tx.findOne(DeadLetterEntity, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!letter) throw new NotFoundException(`no dead letter ${id}`);
      if (letter.status !== 'open') {
        throw new ConflictException(
          `dead letter ${id} was already ${letter.status} at ${letter.resolvedAt?.toISOString()}`,
        );
      }
      if (action === 'replay') await this.replay(letter);
      const actor = TraceContext.current().actor ?? null;
      letter.status = action === 'replay' ? 'replayed' : 'discarded';
      letter.resolvedAt = new Date();
      letter.resolvedBy = actor;
      letter.resolutionReason = reason;
      await tx.save(letter);
      await this.outbox.append(
        tx,
        action === 'replay' ? DeadLetterReplayed : DeadLetterDiscarded,
        {
          deadLetterId: letter.id,
          sourceTopic: letter.sourceTopic.slice(0, 249),
          consumerGroup: letter.consumerGroup.slice(0, 255),
          eventId: letter.eventId,
          eventType: letter.eventType,
          cause: letter.cause.slice(0, 2_000),
          reason,
        },
        { tenantId: letter.tenantId ?? ALL_TENANTS, correlationId },
      );
      return letter;
    });
  }

  private async replay(letter: DeadLetterEntity): Promise<void> {
    await this.producer.send({
      topic: this.topics.physical(letter.sourceTopic),
      messages: [
        {
          key: letter.messageKey,
          value: letter.messageValue,
          headers: {
            ...letter.headers,
            [REPLAY_OF_HEADER]: letter.id,
            [REPLAY_FOR_GROUP_HEADER]: letter.consumerGroup,
          },
        },
      ],
    });
  }
}
