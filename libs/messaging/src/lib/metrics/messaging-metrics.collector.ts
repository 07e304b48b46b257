import { registeredMetric } from '@enclave/service-kit';
import { Admin, Kafka } from 'kafkajs';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { EventConsumerServer } from '../consumer/event-consumer.server';
import { TopicNamer } from '../kafka/topic-namer';
import { quoteIdent } from '../persistence/sql-identifier';

// Lag costs two broker round trips per topic: asked at most this often, whatever the scrape rate.
const LAG_CACHE_MS = 5_000;

const collectors = new Set<MessagingMetricsCollector>();

// Registered for their collect functions, which read every started collector at scrape time.
registeredMetric(Gauge, {
  name: 'enclave_outbox_backlog',
  help: 'Events written to the outbox and not yet published to Kafka.',
  async collect() {
    this.reset();
    for (const c of collectors) this.set((await c.outbox()).backlog);
  },
});

registeredMetric(Gauge, {
  name: 'enclave_outbox_oldest_age_seconds',
  help: 'Age of the oldest event still in the outbox (0 when it is empty).',
  async collect() {
    this.reset();
    for (const c of collectors) this.set((await c.outbox()).ageSeconds);
  },
});

registeredMetric(Gauge, {
  name: 'enclave_consumer_lag',
  help: "Events on a consumed topic not yet committed by this service's consumer group.",
  labelNames: ['topic'] as const,
  async collect() {
    this.reset();
    for (const c of collectors) for (const [topic, lag] of await c.lag()) this.set({ topic }, lag);
  },
});

/**
 * Feeds the messaging gauges (outbox backlog and age, consumer lag) when Prometheus scrapes, from
 * the outbox table and the broker's offsets: read at scrape time, so nothing runs between scrapes.
 */
export class MessagingMetricsCollector {
  private admin?: Admin;
  private lagCache?: { at: number; value: Promise<Map<string, number>> };

  constructor(
    private readonly kafka: Kafka,
    private readonly dataSource: DataSource,
    private readonly consumer: EventConsumerServer,
    private readonly topics: TopicNamer,
    private readonly schema: string,
    private readonly group: string,
  ) {}

  start(): void {
    collectors.add(this);
  }

  async stop(): Promise<void> {
    collectors.delete(this);
    await this.admin?.disconnect().catch(() => undefined);
    this.admin = undefined;
  }

  async outbox(): Promise<{ backlog: number; ageSeconds: number }> {
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS backlog,
              COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float AS age
         FROM ${quoteIdent(this.schema)}.outbox`,
    );
    return { backlog: row.backlog, ageSeconds: row.age };
  }

  lag(): Promise<Map<string, number>> {
    if (!this.lagCache || Date.now() - this.lagCache.at > LAG_CACHE_MS) {
      const value = this.readLag().catch(() => new Map<string, number>());
      this.lagCache = { at: Date.now(), value };
    }
    return this.lagCache.value;
  }

  private async readLag(): Promise<Map<string, number>> {
    const physical = this.consumer.subscribed;
    const lag = new Map<string, number>();
    if (!physical.length) return lag;
    if (!this.admin) {
      this.admin = this.kafka.admin();
      await this.admin.connect();
    }
    const committed = await this.admin.fetchOffsets({ groupId: this.group, topics: [...physical] });
    for (const { topic, partitions } of committed) {
      const ends = await this.admin.fetchTopicOffsets(topic);
      let sum = 0;
      for (const end of ends) {
        const at = Number(partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
        // -1: nothing committed yet, so everything from the start is still to be read.
        sum += Number(end.high) - (at >= 0 ? at : Number(end.low));
      }
      lag.set(this.topics.logical(topic), sum);
    }
    return lag;
  }
}
