import {
  CredentialsRotated,
  EventDefinition,
  EventEnvelope,
  PayloadOf,
  ServiceDeprovisionRequested,
  ServiceDeprovisioned,
  TenantStatusChanged,
  decodeProductFeedEvent,
  productFeedEvents,
  productFeedTopic,
} from '@enclave/contracts';
import { randomBytes } from 'node:crypto';
import { Consumer, Kafka, SASLOptions, logLevel } from 'kafkajs';
import { KafkaSaslCredentials } from './kafka-sasl.credentials';
import { MinimumSecretVersions } from '../connections/minimum-secret-versions';

/** Anything with `invalidate(tenantId)`: TenantConnectionManager, or a product's own cache. */
export interface InvalidatesTenants {
  /** `minimumSecretVersions` is set on a completed rotation: the versions now current. */
  invalidate(tenantId: string, minimumSecretVersions?: MinimumSecretVersions): void;
}

/**
 * The lifecycle events a product can react to, all on its own feed,
 * `enclave.products.<product>.lifecycle` (the tenant-registry republishes them there).
 */
export const productLifecycleEvents = productFeedEvents;

type LifecycleEvent = (typeof productLifecycleEvents)[number];

export type LifecycleHandler<D extends EventDefinition> = (
  payload: PayloadOf<D>,
  envelope: EventEnvelope<PayloadOf<D>>,
) => Promise<void> | void;

export interface TenantLifecycleListenerOptions {
  readonly brokers: readonly string[];
  /** The product's Kafka principal (SASL); required by brokers that authenticate. */
  readonly sasl?: KafkaSaslCredentials;
  /**
   * The product whose feed is read: its registrations' events, and the status changes of tenants
   * that registered it. The product's Kafka principal may read no other product's feed.
   */
  readonly product: string;
  /**
   * Kafka consumer group. Default: one group per process, starting at the end of the topics, so every
   * instance sees every invalidation. Give a stable id when a reaction must run once per event across
   * instances (e.g. seeding a tenant on ServiceReady); each event is then handled by one instance,
   * at least once.
   */
  readonly groupId?: string;
  /** With a stable groupId: where a new group starts. Default false (only new events). */
  readonly fromBeginning?: boolean;
  /** The platform's KAFKA_TOPIC_PREFIX, if any. */
  readonly topicPrefix?: string;
  /**
   * Invalidated on suspension, resumption, completed credential rotation and offboarding of a
   * tenant (from then on the platform answers 404 for it).
   */
  readonly connections?: InvalidatesTenants;
  /** Told about events that cannot be decoded or whose handler threw; default console.error. */
  readonly onError?: (error: Error, topic: string) => void;
}

/**
 * A product's view of the platform's lifecycle on Kafka: typed handlers for ServiceReady,
 * ServiceFailed, CredentialsRotated, TenantStatusChanged and offboarding (ServiceDeprovisionRequested,
 * ServiceDeprovisioned), validated and upcast with the platform's own event catalog. Cache
 * invalidation is wired in: a suspended or offboarded tenant stops being served, and a rotated one
 * logs in with its new credentials. Requests in flight finish on the connections they hold.
 */
export class TenantLifecycleListener {
  private readonly handlers = new Map<string, LifecycleHandler<LifecycleEvent>[]>();
  private consumer?: Consumer;

  constructor(private readonly options: TenantLifecycleListenerOptions) {}

  /** Adds a handler; call before `start()`. Handlers of one tenant-product run in event order. */
  on<D extends LifecycleEvent>(event: D, handler: LifecycleHandler<D>): this {
    const list = this.handlers.get(event.type) ?? [];
    list.push(handler as unknown as LifecycleHandler<LifecycleEvent>);
    this.handlers.set(event.type, list);
    return this;
  }

  /** Resolves once the consumer has joined its group and been assigned partitions. */
  async start(): Promise<void> {
    const { brokers, product, topicPrefix = '' } = this.options;
    const kafka = new Kafka({
      clientId: `${product}-tenancy`,
      brokers: [...brokers],
      ...(this.options.sasl ? { sasl: { ...this.options.sasl } as SASLOptions } : {}),
      logLevel: logLevel.WARN,
    });
    const groupId = this.options.groupId ?? `${product}-tenancy-${randomBytes(6).toString('hex')}`;
    const consumer = kafka.consumer({
      groupId,
      maxWaitTimeInMs: 250,
      // The platform creates its topics, with its partition count; a product never does.
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    const joined = new Promise<void>((resolve) => {
      const off = consumer.on(consumer.events.GROUP_JOIN, () => {
        off();
        resolve();
      });
    });
    const topics = [`${topicPrefix}${productFeedTopic(product)}`];
    try {
      await consumer.connect();
      await consumer.subscribe({
        topics,
        fromBeginning: this.options.groupId ? (this.options.fromBeginning ?? false) : false,
      });
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      this.consumer = undefined;
      throw new Error(
        `cannot listen to the product's lifecycle feed (${topics.join(', ')}) on ${brokers.join(',')}: ` +
          `${(error as Error).message}. Is the platform running, the product published to it, and ` +
          `KAFKA_TOPIC_PREFIX its prefix?`,
      );
    }
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        try {
          await this.dispatch(decodeProductFeedEvent(message.value));
        } catch (error) {
          // One bad event must not stall a product's lifecycle view; it is reported, not retried.
          (this.options.onError ?? defaultOnError)(error as Error, topic);
        }
      },
    });
    await joined;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  private async dispatch(envelope: EventEnvelope): Promise<void> {
    const payload = envelope.payload as { tenantId: string; product?: string };
    if (payload.product !== undefined && payload.product !== this.options.product) return;
    // Before the product's handlers: they may want to use the tenant's fresh connections.
    if (
      envelope.type === TenantStatusChanged.type ||
      envelope.type === ServiceDeprovisionRequested.type ||
      envelope.type === ServiceDeprovisioned.type
    ) {
      this.options.connections?.invalidate(payload.tenantId);
    } else if (envelope.type === CredentialsRotated.type) {
      const { credentials } = envelope.payload as PayloadOf<typeof CredentialsRotated>;
      this.options.connections?.invalidate(payload.tenantId, {
        postgres: credentials.postgres?.version,
        mongodb: credentials.mongodb?.version,
        rabbitmq: credentials.rabbitmq?.version,
      });
    }
    for (const handler of this.handlers.get(envelope.type) ?? []) {
      await handler(envelope.payload as never, envelope as never);
    }
  }
}

function defaultOnError(error: Error, topic: string): void {
  console.error(`tenant lifecycle event on ${topic} not handled: ${error.message}`);
}
