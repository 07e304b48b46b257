import {
  IntakeReply,
  IntakeRequestInput,
  ServiceFailed,
  ServiceFailedPayload,
  ServiceReady,
  ServiceReadyPayload,
  decodeProductFeedEvent,
  intakeRepliesTopic,
  intakeReplySchema,
  intakeRequestSchema,
  intakeRequestsTopic,
  productFeedTopic,
} from '@enclave/contracts';
import { randomUUID } from 'node:crypto';
import { KafkaSaslCredentials } from '../events/kafka-sasl.credentials';
import { IntakeTransport } from './intake.transport';
import { KafkaIntakeTransport } from './kafka.intake-transport';

/** Outcomes remembered for an awaitOutcome that comes after them (oldest forgotten first). */
const MAX_REMEMBERED_OUTCOMES = 10_000;

type WithoutIds<T> = T extends unknown ? Omit<T, 'publisher' | 'requestId'> : never;

/** A request as a publisher writes it: the client fills in `publisher`, and `requestId` if absent. */
export type IntakeRequestDraft = WithoutIds<IntakeRequestInput> & { readonly requestId?: string };

/** How a registration ended: ServiceReady, or ServiceFailed with its stage and cause. */
export type IntakeOutcome =
  | { readonly state: 'ready'; readonly event: ServiceReadyPayload }
  | {
      readonly state: 'failed';
      readonly stage: string;
      readonly reason: string;
      readonly event: ServiceFailedPayload;
    };

/** No answer within the time given. */
export class IntakeTimeoutError extends Error {
  override readonly name = 'IntakeTimeoutError';
}

export interface IntakePublisherClientOptions {
  /** This publisher's name: its topics are `enclave.intake.<publisher>.requests|replies`. */
  readonly publisher: string;
  /**
   * The products this publisher acts for (its INTAKE_PUBLISHERS entry): outcomes are read from their
   * feeds (`enclave.products.<product>.lifecycle`), which its Kafka principal may read; the shared
   * outcome topics, where every product's are, it may not.
   */
  readonly products: readonly string[];
  /** Kafka bootstrap servers; or give `transport`. */
  readonly brokers?: readonly string[];
  /** The publisher's Kafka principal (SASL), with `brokers`. */
  readonly sasl?: KafkaSaslCredentials;
  readonly transport?: IntakeTransport;
  /** The platform's KAFKA_TOPIC_PREFIX, if any. */
  readonly topicPrefix?: string;
  /** Default wait for a reply (publish) or an outcome (awaitOutcome); default 30 s. */
  readonly timeoutMs?: number;
}

interface Pending<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}

/**
 * An upstream publisher's side of the intake topics: `publish` sends a typed request (validated
 * first, with the same schemas the registry uses) and resolves with the registry's reply correlated
 * by request id; `awaitOutcome` waits for the ServiceReady or ServiceFailed of a registration.
 * Requests are keyed by tenant, so one tenant's requests are handled in the order they were sent.
 * Call `start()` first: replies and outcomes are those published after it.
 */
export class IntakePublisherClient {
  private readonly transport: IntakeTransport;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly replies = new Map<string, Pending<IntakeReply>[]>();
  private readonly waiters = new Map<string, Pending<IntakeOutcome>[]>();
  /** Outcomes seen since start(), by `tenant/product`: one that came before awaitOutcome counts. */
  private readonly outcomes = new Map<string, IntakeOutcome>();
  /** The feeds of the products this publisher acts for (physical names). */
  private readonly feeds: ReadonlySet<string>;

  constructor(private readonly options: IntakePublisherClientOptions) {
    if (!options.transport && !options.brokers) throw new Error('give brokers or a transport');
    this.transport =
      options.transport ??
      new KafkaIntakeTransport(options.brokers!, `${options.publisher}-intake`, options.sasl);
    this.prefix = options.topicPrefix ?? '';
    this.timeoutMs = options.timeoutMs ?? 30_000;
    // Fails at once on a name the registry could never have a topic for.
    intakeRequestsTopic(options.publisher);
    this.feeds = new Set(options.products.map((p) => this.topic(productFeedTopic(p))));
  }

  async start(): Promise<void> {
    await this.transport.subscribe(
      [this.topic(intakeRepliesTopic(this.options.publisher)), ...this.feeds],
      (topic, value) => this.onMessage(topic, value),
    );
  }

  /** Stops listening; whatever still waits for a reply or an outcome is rejected. */
  async stop(): Promise<void> {
    await this.transport.stop();
    const stopped = new Error('the intake client was stopped');
    for (const key of [...this.replies.keys()])
      this.settle(this.replies, key, (p) => p.reject(stopped));
    for (const key of [...this.waiters.keys()])
      this.settle(this.waiters, key, (p) => p.reject(stopped));
  }

  /** Sends one request; resolves with its reply (accepted, or rejected with the reason). */
  async publish(
    draft: IntakeRequestDraft,
    options: { timeoutMs?: number } = {},
  ): Promise<IntakeReply> {
    const request = intakeRequestSchema.parse({
      ...draft,
      requestId: draft.requestId ?? randomUUID(),
      publisher: this.options.publisher,
    });
    if (request.kind === 'register-service') {
      // A new registration's outcome is the one to wait for, not an earlier one's.
      this.outcomes.delete(`${request.tenantId}/${request.registration.product}`);
    }
    const reply = this.wait(this.replies, request.requestId, options.timeoutMs, 'a reply to');
    const tenantId = request.kind === 'create-tenant' ? request.tenant.id : request.tenantId;
    try {
      await this.transport.send(
        this.topic(intakeRequestsTopic(this.options.publisher)),
        tenantId,
        JSON.stringify(request),
      );
    } catch (error) {
      // Not sent: nothing will answer. The caller gets the send's error, not an unhandled one.
      reply.catch(() => undefined);
      this.settle(this.replies, request.requestId, (p) => p.reject(error as Error));
      throw error;
    }
    return reply;
  }

  /** Resolves with how the registration of `product` for `tenantId` ended (seen since start()). */
  awaitOutcome(
    tenantId: string,
    product: string,
    options: { timeoutMs?: number } = {},
  ): Promise<IntakeOutcome> {
    if (!this.feeds.has(this.topic(productFeedTopic(product)))) {
      return Promise.reject(
        new Error(
          `${product} is not a product of this client (options.products): no outcome is read`,
        ),
      );
    }
    const key = `${tenantId}/${product}`;
    const seen = this.outcomes.get(key);
    if (seen) return Promise.resolve(seen);
    return this.wait(this.waiters, key, options.timeoutMs, 'the outcome of');
  }

  private topic(logical: string): string {
    return `${this.prefix}${logical}`;
  }

  private wait<T>(
    table: Map<string, Pending<T>[]>,
    key: string,
    timeoutMs: number | undefined,
    what: string,
  ): Promise<T> {
    const ms = timeoutMs ?? this.timeoutMs;
    return new Promise<T>((resolve, reject) => {
      const entry: Pending<T> = {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        const list = (table.get(key) ?? []).filter((p) => p !== entry);
        if (list.length > 0) table.set(key, list);
        else table.delete(key);
        reject(new IntakeTimeoutError(`no answer for ${what} ${key} within ${ms} ms`));
      }, ms);
      table.set(key, [...(table.get(key) ?? []), entry]);
    });
  }

  private settle<T>(table: Map<string, Pending<T>[]>, key: string, fn: (p: Pending<T>) => void) {
    const list = table.get(key);
    table.delete(key);
    list?.forEach(fn);
  }

  private onMessage(topic: string, value: Buffer | null): void {
    if (!this.feeds.has(topic)) {
      let reply;
      try {
        reply = intakeReplySchema.safeParse(
          (JSON.parse(value?.toString() ?? '') as { payload?: unknown })?.payload,
        );
      } catch {
        return; // Not for us to judge: the platform dead-letters what it cannot read.
      }
      if (reply.success) {
        const { data } = reply;
        this.settle(this.replies, data.requestId, (p) => p.resolve(data));
      }
      return;
    }
    let envelope;
    try {
      envelope = decodeProductFeedEvent(value);
    } catch {
      return;
    }
    if (envelope.type === ServiceReady.type) {
      const event = envelope.payload as ServiceReadyPayload;
      this.outcome(event.tenantId, event.product, { state: 'ready', event });
    } else if (envelope.type === ServiceFailed.type) {
      const event = envelope.payload as ServiceFailedPayload;
      this.outcome(event.tenantId, event.product, {
        state: 'failed',
        stage: event.stage,
        reason: event.reason,
        event,
      });
    }
  }

  private outcome(tenantId: string, product: string, outcome: IntakeOutcome): void {
    const key = `${tenantId}/${product}`;
    this.outcomes.delete(key);
    this.outcomes.set(key, outcome);
    // Every registration's outcome goes by: only the latest ones are kept.
    if (this.outcomes.size > MAX_REMEMBERED_OUTCOMES) {
      this.outcomes.delete(this.outcomes.keys().next().value!);
    }
    this.settle(this.waiters, key, (p) => p.resolve(outcome));
  }
}
