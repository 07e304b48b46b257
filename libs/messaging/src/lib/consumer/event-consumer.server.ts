import { EventCatalog, EventEnvelope } from '@enclave/contracts';
import { PlatformMetrics, TraceContext } from '@enclave/service-kit';
import { Logger } from '@nestjs/common';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { DataSource } from 'typeorm';
import { ensureTopics } from '../kafka/topic-admin';
import { TopicNamer } from '../kafka/topic-namer';
import { OutboxWriter } from '../outbox/outbox.writer';
import { DeadLetterPublisher, REPLAY_FOR_GROUP_HEADER } from './dead-letter.publisher';
import { EventContext } from './event.context';
import { HandlerSlots } from './handler-slots';
import type { EventHandlerExtras } from './handles-event.decorator';
import { runKeyParallelBatch } from './key-parallel-batch.runner';
import { ProcessedEventStore } from './processed-event.store';
import { untilBrokerSettles } from '../kafka/until-broker-settles';
import { traceOutcome, traceProcessing } from '../tracing/event-trace';
import { RetryPolicy, backoffDelay, isInfrastructureFailure, isNonRetryable } from './retry-policy';

export interface EventConsumerOptions {
  /** Consumer group id; also the namespace of the processed-event ledger. */
  readonly group: string;
  readonly retry: RetryPolicy;
  /** Partitions handled in parallel by one replica. */
  readonly concurrency: number;
  /** Keys handled in parallel within one partition's batch (order still holds within a key). */
  readonly keyConcurrency: number;
  /** Connections in the database pool the handlers' transactions draw from. */
  readonly databasePoolSize: number;
  readonly topicPartitions: number;
  readonly topics?: TopicNamer;
}

/** `skipped`: an event its handler declared it is not concerned with (HandlesEvent `concerns`). */
type Outcome = 'handled' | 'duplicate' | 'skipped';

/** One message of a partition's batch, with what handling it needs of the batch. */
interface Delivery {
  /** The physical topic. */
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
  readonly heartbeat: () => Promise<void>;
}

/**
 * A @nestjs/microservices transport over kafkajs with the guarantees the platform needs: each event
 * is decoded (upcast, validated), handled once per consumer group inside a database transaction,
 * retried with backoff, and dead-lettered with its cause when it can never succeed.
 */
export class EventConsumerServer extends Server implements CustomTransportStrategy {
  protected override readonly logger = new Logger(EventConsumerServer.name);
  private consumer?: Consumer;
  private closing = false;
  private readonly topics: TopicNamer;
  private readonly slots: HandlerSlots;
  /** The physical topics this replica consumes, once started (for the lag metric). */
  subscribed: readonly string[] = [];

  constructor(
    private readonly kafka: Kafka,
    private readonly catalog: EventCatalog,
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly processed: ProcessedEventStore,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly options: EventConsumerOptions,
  ) {
    super();
    this.topics = options.topics ?? new TopicNamer();
    this.slots = HandlerSlots.forPool(
      options.databasePoolSize,
      options.concurrency,
      options.keyConcurrency,
    );
  }

  on(): never {
    throw new Error('EventConsumerServer emits no transport events');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    // kafkajs waits for the batches in flight: they start nothing new, finish what they started and
    // commit up to the first unfinished message.
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  private async start(): Promise<void> {
    const topics = [...this.messageHandlers.keys()];
    if (topics.length === 0) return;
    for (const topic of topics) {
      if (!this.catalog.definitionFor(topic))
        throw new Error(`handler for undeclared topic ${topic}`);
    }
    const physical = topics.map((t) => this.topics.physical(t));
    this.subscribed = physical;
    // Counters start at 0 per topic, so a dashboard shows "none" rather than "no data".
    for (const topic of physical) PlatformMetrics.deadLetters.inc({ topic }, 0);
    await ensureTopics(this.kafka, physical, this.options.topicPartitions);
    this.closing = false;
    // A broker still settling after a restart refuses the join or the subscription for a while.
    await untilBrokerSettles(async () => {
      const consumer = this.kafka.consumer({
        groupId: this.options.group,
        sessionTimeout: 10_000,
        rebalanceTimeout: 15_000,
        heartbeatInterval: 1_000,
        // Long-poll: the broker answers as soon as one byte is there, so idle waits cost no latency.
        // Each idle fetch names every subscribed partition (kafkajs has no fetch sessions), so a
        // longer wait is less CPU at rest on both sides; heartbeats ride the fetch loop, so it
        // stays at the heartbeat interval and a rebalance is still noticed within a second.
        maxWaitTimeInMs: 1_000,
        minBytes: 1,
        allowAutoTopicCreation: false,
        retry: { initialRetryTime: 100, maxRetryTime: 5_000, retries: 10 },
      });
      try {
        await consumer.connect();
        // A new group starts at the beginning: events published before it first joined still count.
        await consumer.subscribe({ topics: physical, fromBeginning: true });
        await consumer.run({
          partitionsConsumedConcurrently: this.options.concurrency,
          autoCommitInterval: 1_000,
          // Offsets are resolved by runKeyParallelBatch, never past an unfinished message.
          eachBatchAutoResolve: false,
          eachBatch: (payload) => this.onBatch(payload),
        });
      } catch (error) {
        await consumer.disconnect().catch(() => undefined);
        throw error;
      }
      this.consumer = consumer;
    });
    this.logger.log(
      {
        partitions: this.options.concurrency,
        keysPerPartition: this.options.keyConcurrency,
        handlerSlots: this.slots.size,
      },
      'consuming',
    );
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning, isStale } =
      payload;
    await runKeyParallelBatch(batch.messages, this.options.keyConcurrency, {
      handle: (message) =>
        this.onMessage({ topic: batch.topic, partition: batch.partition, message, heartbeat }),
      proceed: () => isRunning() && !isStale(),
      progress: async (offset) => {
        resolveOffset(offset);
        // As eachMessage did: commit at the auto-commit interval, heartbeat between messages.
        await commitOffsetsIfNecessary();
        await heartbeat();
      },
    });
  }

  private async onMessage(delivery: Delivery): Promise<void> {
    const { partition, message } = delivery;
    const physicalTopic = delivery.topic;
    const topic = this.topics.logical(physicalTopic);
    // A replayed dead letter is for the group that gave up on it; the others have handled it already,
    // and another group's own dead letter of the same event is replayed on its own.
    const replayFor = message.headers?.[REPLAY_FOR_GROUP_HEADER]?.toString();
    if (replayFor !== undefined && replayFor !== this.options.group) return;
    let envelope: EventEnvelope;
    try {
      envelope = this.catalog.decode(topic, message.value);
    } catch (error) {
      await this.deadLetters.publish({
        topic: physicalTopic,
        partition,
        message,
        group: this.options.group,
        attempts: 1,
        error,
      });
      PlatformMetrics.eventsHandled.inc({ topic, type: 'undecodable', outcome: 'dead_lettered' });
      this.logger.warn(
        { topic, partition, offset: message.offset, reason: (error as Error).message },
        'dead-lettered undecodable event',
      );
      return;
    }
    const trace = {
      tenantId: envelope.tenantId,
      correlationId: envelope.correlationId,
      eventId: envelope.id,
      // The events this handler writes inherit the actor of the one it handles.
      actor: envelope.actor,
    };
    // A CONSUMER span, child of the publisher's (Kafka headers), around every attempt.
    await traceProcessing(envelope, topic, message.headers, () =>
      TraceContext.run(trace, () => this.handleWithRetries(envelope, delivery, topic)),
    );
  }

  private async handleWithRetries(
    envelope: EventEnvelope,
    delivery: Delivery,
    topic: string,
  ): Promise<void> {
    const { partition, message, heartbeat } = delivery;
    const physicalTopic = delivery.topic;
    for (let attempt = 1; ; attempt++) {
      let started = performance.now();
      try {
        const outcome = await this.handleOnce(
          envelope,
          {
            topic,
            partition,
            offset: message.offset,
            attempt,
            finalAttempt: attempt >= this.options.retry.maxAttempts,
          },
          // The durations measure the handling, not the wait for a handler slot.
          () => (started = performance.now()),
        );
        this.observe(topic, envelope.type, outcome, started);
        traceOutcome(outcome);
        this.logger.debug(
          {
            topic,
            type: envelope.type,
            outcome,
            durationMs: Math.round(performance.now() - started),
            // How long the event waited between its producer and this handler.
            lagMs: Date.now() - Date.parse(envelope.occurredAt),
          },
          `event ${outcome}`,
        );
        return;
      } catch (error) {
        const infrastructure = isInfrastructureFailure(error);
        if (
          isNonRetryable(error) ||
          (!infrastructure && attempt >= this.options.retry.maxAttempts)
        ) {
          await this.deadLetters.publish({
            topic: physicalTopic,
            partition,
            message,
            group: this.options.group,
            attempts: attempt,
            error,
          });
          this.observe(topic, envelope.type, 'dead_lettered', started);
          traceOutcome('dead_lettered', error);
          this.logger.error(
            { topic, type: envelope.type, attempts: attempt, reason: (error as Error).message },
            'dead-lettered event',
          );
          return;
        }
        // Leaving without committing the offset: the event is redelivered after restart.
        if (this.closing) throw error;
        this.observe(topic, envelope.type, 'retried', started);
        const delay = backoffDelay(this.options.retry, attempt);
        this.logger.warn(
          { topic, type: envelope.type, attempt, delay, reason: (error as Error).message },
          'event handler failed, retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
        await heartbeat();
      }
    }
  }

  private observe(topic: string, type: string, outcome: string, started: number): void {
    PlatformMetrics.eventsHandled.inc({ topic, type, outcome });
    PlatformMetrics.handlerDuration.observe(
      { type, outcome },
      (performance.now() - started) / 1000,
    );
  }

  private handleOnce(
    envelope: EventEnvelope,
    delivery: EventContext['delivery'],
    onSlot: () => void,
  ): Promise<Outcome> {
    const handler = this.getHandlerByPattern(delivery.topic);
    if (!handler) throw new Error(`no handler for ${delivery.topic}`);
    const { concerns } = (handler.extras ?? {}) as EventHandlerExtras;
    // A chain of handlers (one topic, several methods) always runs: each may be concerned.
    if (concerns && !handler.next && !concerns(envelope)) return Promise.resolve('skipped');
    // A slot per open transaction: keys in flight never wait on the pool for one another.
    return this.slots.run(() => {
      onSlot();
      return this.dataSource.transaction(async (tx) => {
        if (!(await this.processed.claim(tx, this.options.group, envelope.id, delivery.topic))) {
          return 'duplicate';
        }
        const context = new EventContext(envelope, tx, delivery, this.outbox);
        await lastValueFrom(this.transformToObservable(await handler(envelope, context)), {
          defaultValue: undefined,
        });
        return 'handled';
      });
    });
  }
}
