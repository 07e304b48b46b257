import { intakeRepliesTopic, intakeRequestsTopic } from '@enclave/contracts';
import {
  DeadLetterPublisher,
  KAFKA,
  REPLAY_FOR_GROUP_HEADER,
  RawTopicConsumer,
  RawTopicSubscription,
  TopicNamer,
  ensureTopics,
} from '@enclave/messaging';
import { TraceContext } from '@enclave/service-kit';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { EachMessagePayload, Kafka } from 'kafkajs';
import { HandleIntakeRequestUseCase } from './handle-intake-request.use-case';
import { IntakePublishers, publisherActor } from './intake-publishers';
import { IntakeRejectedError } from './intake-rejection';
import { readIntakeRequest } from './intake-request.reader';
import { INTAKE_SETTINGS, IntakeSettings } from './intake.settings';

/**
 * Reads every configured publisher's `enclave.intake.<publisher>.requests` topic (its own consumer
 * group, from the beginning) and hands each request to HandleIntakeRequestUseCase. A rejected request
 * is answered on the publisher's replies topic (when its request id could be read) and dead-lettered
 * with the cause to `<topic>.dlq`, where the registry's dead-letter API lists it. A failure that is
 * not the request's fault (the database away) throws: kafkajs delivers the message again.
 */
@Injectable()
export class IntakeConsumer extends RawTopicConsumer {
  private readonly logger = new Logger(IntakeConsumer.name);
  private readonly byTopic = new Map<string, string>();

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(INTAKE_SETTINGS) private readonly settings: IntakeSettings,
    private readonly topics: TopicNamer,
    private readonly publishers: IntakePublishers,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly handle: HandleIntakeRequestUseCase,
  ) {
    super(kafka);
    for (const publisher of publishers.names()) {
      this.byTopic.set(this.topics.physical(intakeRequestsTopic(publisher)), publisher);
    }
  }

  /** The consumer group: replicas share it, and work spreads by partition (keyed per tenant). */
  get group(): string {
    return `${this.topics.prefix}enclave.tenant-registry.intake`;
  }

  /** Every intake topic of the configured publishers: requests and replies (ensureTopics adds `.dlq`). */
  intakeTopics(): string[] {
    return this.publishers
      .names()
      .flatMap((p) => [intakeRequestsTopic(p), intakeRepliesTopic(p)])
      .map((t) => this.topics.physical(t));
  }

  protected async subscription(): Promise<RawTopicSubscription | undefined> {
    const requests = [...this.byTopic.keys()];
    if (requests.length === 0) return undefined;
    await ensureTopics(this.kafka, this.intakeTopics(), this.settings.topicPartitions);
    this.logger.log({ publishers: this.publishers.toString() }, 'reading intake requests');
    return { group: this.group, topics: requests, concurrency: this.settings.concurrency };
  }

  protected async onMessage({ topic, partition, message }: EachMessagePayload): Promise<void> {
    // A replayed dead letter is for the group that gave up on it (this one, for intake topics).
    const replayFor = message.headers?.[REPLAY_FOR_GROUP_HEADER]?.toString();
    if (replayFor !== undefined && replayFor !== this.group) return;
    const publisher = this.byTopic.get(topic)!;
    await TraceContext.run({ actor: publisherActor(publisher) }, async () => {
      const read = readIntakeRequest(
        message.value,
        publisher,
        this.publishers,
        this.settings.maxBytes,
      );
      const reply = read.ok
        ? await this.handle.execute(publisher, read.request)
        : await this.handle.reject(publisher, read.rejection);
      const reason = reply?.reason ?? (read.ok ? undefined : read.rejection.reason);
      if (reply?.status === 'accepted') {
        this.logger.log(
          { publisher, requestId: reply.requestId, tenantId: reply.tenantId },
          'intake request accepted',
        );
        return;
      }
      await this.deadLetters.publish({
        topic,
        partition,
        message,
        group: this.group,
        attempts: 1,
        error: new IntakeRejectedError(reason ?? 'rejected'),
      });
      this.logger.warn(
        { publisher, requestId: reply?.requestId, offset: message.offset, reason },
        'intake request rejected and dead-lettered',
      );
    });
  }
}
