import 'reflect-metadata';
import { EventCatalog, defineEvent } from '@enclave/contracts';
import {
  DEFAULT_RETRY_POLICY,
  DeadLetterPublisher,
  EventConsumerServer,
  OutboxRelay,
  OutboxWriter,
  ProcessedEventStore,
  createKafka,
  createProducer,
  ensureMessagingSchema,
  ensureTopics,
} from '@enclave/messaging';
import { createTestDatabase, testInfra } from '@enclave/testing';
import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { z } from 'zod';

/**
 * One publish→consume hop through the outbox: commit a state change with its event, the relay
 * publishes it, the consumer handles it in its own transaction. Baseline in the same run: a bare
 * kafkajs produce→consume hop on the same broker. Events are sent one at a time (latency, not
 * throughput).
 */
const N = Number(process.env.BENCH_N ?? 300);
const WARMUP = 30;

const Hop = defineEvent({
  type: 'BenchHop',
  topic: `bench.hop.${randomUUID().slice(0, 8)}`,
  versions: [{ version: 1, schema: z.object({ i: z.number().int() }).strict() }],
  partitionKey: (p) => `k${p.i % 8}`,
});

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main() {
  Logger.overrideLogger(['error', 'warn']);
  const infra = testInfra();
  const db = await createTestDatabase(infra.pgAdminUrl, 'bench');
  const dataSource = await new DataSource({
    type: 'postgres',
    url: db.url,
    extra: { max: 8 },
  }).initialize();
  const catalog = new EventCatalog([Hop]);
  const kafka = createKafka('bench', infra.kafkaBrokers, infra.kafkaSasl);
  const producer = createProducer(kafka);
  const schema = 'bench_hop';
  try {
    await ensureMessagingSchema(dataSource, schema);
    await ensureTopics(kafka, [Hop.topic, `${Hop.topic}.raw`], 4);
    await producer.connect();
    const relay = new OutboxRelay(dataSource, producer, {
      schema,
      listenConnection: { connectionString: db.url },
    });
    await relay.start();
    const outbox = new OutboxWriter(catalog, schema, 'bench');
    const server = new EventConsumerServer(
      kafka,
      catalog,
      dataSource,
      outbox,
      new ProcessedEventStore(schema),
      new DeadLetterPublisher(producer),
      {
        group: `bench-${randomUUID()}`,
        retry: DEFAULT_RETRY_POLICY,
        concurrency: 4,
        keyConcurrency: 8,
        databasePoolSize: 8,
        topicPartitions: 4,
      },
    );
    let arrived: (() => void) | undefined;
    server.addHandler(Hop.topic, async () => arrived?.(), true);
    await new Promise<void>((resolve, reject) =>
      server.listen((e?: unknown) => (e ? reject(e) : resolve())),
    );

    const outboxHop = async (i: number) => {
      const seen = new Promise<void>((resolve) => (arrived = resolve));
      const t0 = performance.now();
      await dataSource.transaction((tx) => outbox.append(tx, Hop, { i }, { tenantId: 'bench' }));
      await seen;
      return performance.now() - t0;
    };

    // Baseline: the same hop with kafkajs alone (no database, no outbox, no dedup).
    const raw = kafka.consumer({ groupId: `bench-raw-${randomUUID()}`, maxWaitTimeInMs: 250 });
    await raw.connect();
    await raw.subscribe({ topics: [`${Hop.topic}.raw`], fromBeginning: true });
    let rawArrived: (() => void) | undefined;
    await raw.run({ eachMessage: async () => rawArrived?.() });
    const rawHop = async (i: number) => {
      const seen = new Promise<void>((resolve) => (rawArrived = resolve));
      const t0 = performance.now();
      await producer.send({
        topic: `${Hop.topic}.raw`,
        messages: [{ key: `k${i % 8}`, value: String(i) }],
      });
      await seen;
      return performance.now() - t0;
    };

    // Interleave the two so drift on a shared machine hits both alike.
    const outboxMs: number[] = [];
    const rawMs: number[] = [];
    for (let i = 0; i < N + WARMUP; i++) {
      const a = await outboxHop(i);
      const b = await rawHop(i);
      if (i >= WARMUP) {
        outboxMs.push(a);
        rawMs.push(b);
      }
    }
    await raw.disconnect();
    await server.close();
    await relay.stop();

    const result = {
      bench: 'outbox-hop',
      n: N,
      p50_ms: +percentile(outboxMs, 50).toFixed(2),
      p99_ms: +percentile(outboxMs, 99).toFixed(2),
      baseline_p50_ms: +percentile(rawMs, 50).toFixed(2),
      baseline_p99_ms: +percentile(rawMs, 99).toFixed(2),
      ratio_p50: +(percentile(outboxMs, 50) / percentile(rawMs, 50)).toFixed(2),
      machine: `${os.cpus().length} cpu ${os.cpus()[0]?.model ?? ''}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
      at: new Date().toISOString(),
    };
    fs.mkdirSync(path.join(__dirname, '../results'), { recursive: true });
    fs.writeFileSync(
      path.join(__dirname, '../results/outbox-hop.json'),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await producer.disconnect();
    await dataSource.destroy();
    await db.drop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
