import { EventCatalog, EventEnvelope, deadLetterTopicOf } from '@enclave/contracts';
import { OutboxWriter } from '@enclave/messaging';
import {
  ServiceProcess,
  TestDatabase,
  createTestDatabase,
  testInfra,
  testKafka,
  kafkaEnv,
} from '@enclave/testing';
import { randomUUID } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { fixturePingEvent } from './fixtures/fixture-ping.event';

export const FIXTURE_ENTRY = 'test/integration/messaging/fixtures/messaging-fixture.main.ts';

let nextPort = 17_300 + Math.floor(Math.random() * 500);

/** One isolated world per suite: its own database, topic and fixture processes on real servers. */
export class MessagingHarness {
  readonly topic = `it.ping.${randomUUID().slice(0, 8)}`;
  readonly FixturePing = fixturePingEvent(this.topic);
  readonly catalog = new EventCatalog([this.FixturePing]);
  readonly infra = testInfra();
  readonly kafka: Kafka = testKafka(this.infra.kafkaBrokers);
  db!: TestDatabase;
  dataSource!: DataSource;
  private readonly processes: ServiceProcess[] = [];

  async setUp(): Promise<void> {
    this.db = await createTestDatabase(this.infra.pgAdminUrl, 'messaging');
    this.dataSource = await new DataSource({
      type: 'postgres',
      url: this.db.url,
      extra: { max: 4 },
    }).initialize();
    await this.dataSource.query(`
      CREATE TABLE public.fixture_effects (
        id bigserial PRIMARY KEY, event_id uuid NOT NULL, key text NOT NULL, seq int NOT NULL,
        attempt int NOT NULL, pid int NOT NULL,
        in_flight int NOT NULL DEFAULT 1)`);
  }

  async tearDown(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop('SIGKILL')));
    await this.dataSource?.destroy();
    await this.db?.drop();
    // The run's topics go with it (best effort: a missing dead-letter topic is fine).
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const mine = (await admin.listTopics()).filter(
        (t) => t === this.topic || t === deadLetterTopicOf(this.topic),
      );
      if (mine.length > 0) await admin.deleteTopics({ topics: mine }).catch(() => undefined);
    } finally {
      await admin.disconnect();
    }
  }

  fixture(
    role: 'relay' | 'consumer',
    env: NodeJS.ProcessEnv = {},
  ): { process: ServiceProcess; health: string } {
    const port = nextPort++;
    const process = new ServiceProcess(FIXTURE_ENTRY, {
      ROLE: role,
      FIXTURE_TOPIC: this.topic,
      HTTP_PORT: String(port),
      DATABASE_URL: this.db.url,
      DATABASE_POOL_SIZE: '4',
      ...kafkaEnv(this.infra),
      KAFKA_TOPIC_PARTITIONS: '4',
      LOG_LEVEL: 'warn',
      ...env,
    });
    this.processes.push(process);
    return { process, health: `http://127.0.0.1:${port}/health/ready` };
  }

  outbox(schema: string): OutboxWriter {
    return new OutboxWriter(this.catalog, schema, 'integration-test');
  }

  envelope(payload: {
    key: string;
    seq: number;
    fail?: 'never' | 'always' | 'twice' | 'poison';
  }): EventEnvelope {
    return this.catalog.envelope(
      this.FixturePing,
      { fail: 'never', ...payload },
      { tenantId: 'acme', producer: 'integration-test' },
    );
  }

  async effects(): Promise<
    {
      id: string;
      event_id: string;
      key: string;
      seq: number;
      attempt: number;
      in_flight: number;
    }[]
  > {
    return this.dataSource.query(
      'SELECT id, event_id, key, seq, attempt, in_flight FROM public.fixture_effects ORDER BY id',
    );
  }
}
