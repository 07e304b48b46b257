import 'reflect-metadata';
import { IsolationMode, Topics } from '@enclave/contracts';
import { EmbeddedSecretStore, EncryptionKeyRing } from '@enclave/secret-store';
import { collectTopic, createTestDatabase } from '@enclave/testing';
import { Logger } from '@nestjs/common';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { RabbitMqTenantProvisioner } from '../../apps/broker-provisioner/src/provisioning/rabbitmq-tenant.provisioner';
import { TenantPostgresEndpoint } from '../../apps/migration-runner/src/migrations/tenant-postgres.endpoint';
import { MongoTenantProvisioner } from '../../apps/mongo-provisioner/src/provisioning/mongo-tenant.provisioner';
import { PostgresTenantProvisioner } from '../../apps/postgres-provisioner/src/provisioning/postgres-tenant.provisioner';
import { PlatformHarness } from '../../test/e2e/support/platform.harness';
import { TenantResources } from '../../test/e2e/support/tenant-resources';
import { SequentialBaseline } from './sequential-baseline';

/**
 * Registration → ServiceReady latency of the whole platform (seven processes, Kafka, real
 * PostgreSQL, MongoDB-compatible server, RabbitMQ) against a plain script doing the same resource
 * operations one after another, interleaved in one run; then a throughput run.
 * Env: BENCH_MODE (SCHEMA | DATABASE), BENCH_N (latency samples), BENCH_THROUGHPUT_N.
 */
const MODE = (process.env.BENCH_MODE ?? 'SCHEMA') as IsolationMode;
const N = Number(process.env.BENCH_N ?? 30);
const THROUGHPUT_N = Number(process.env.BENCH_THROUGHPUT_N ?? 200);
const WARMUP = 3;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const round = (n: number) => Math.round(n * 10) / 10;

async function main() {
  Logger.overrideLogger(['error']);
  const platform = new PlatformHarness({ logLevel: 'warn' });
  const resources = new TenantResources(platform.infra);
  const tenants: string[] = [];
  const baselineDb = await createTestDatabase(platform.infra.pgAdminUrl, 'bench_baseline');
  const baselineDs = await new DataSource({
    type: 'postgres',
    url: baselineDb.url,
    extra: { max: 2 },
  }).initialize();
  const secrets = new EmbeddedSecretStore(
    baselineDs,
    EncryptionKeyRing.fromConfig(platform.encryptionKeyForTests),
  );
  await secrets.ensureSchema();
  const pgProvisioner = new PostgresTenantProvisioner(platform.infra.pgAdminUrl);
  const mongo = new MongoTenantProvisioner(platform.infra.mongoUrl);
  const rabbit = new RabbitMqTenantProvisioner(platform.infra.rabbitmqMgmtUrl);
  const baseline = new SequentialBaseline(
    secrets,
    pgProvisioner,
    mongo,
    rabbit,
    new TenantPostgresEndpoint(`postgres://${new URL(platform.infra.pgAdminUrl).host}`),
  );
  try {
    await platform.start();
    const readyAt = new Map<string, number>();
    const timings = new Map<string, Record<string, number>>();
    const ready = await collectTopic(platform.kafka, [platform.topic(Topics.ServiceReady)]);
    const watch = setInterval(() => {
      for (const m of ready.messages.splice(0)) {
        const { payload } = JSON.parse(m.message.value!.toString());
        readyAt.set(payload.tenantId, performance.now());
        timings.set(payload.tenantId, payload.stageTimings);
      }
    }, 1);
    const waitReady = async (tenantId: string, timeoutMs = 60_000) => {
      const deadline = performance.now() + timeoutMs;
      while (!readyAt.has(tenantId)) {
        if (performance.now() > deadline)
          throw new Error(`${tenantId} not ready in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 1));
      }
      return readyAt.get(tenantId)!;
    };
    const register = async (tenantId: string) => {
      const created = await platform.api('POST', '/v1/tenants', {
        id: tenantId,
        displayName: tenantId,
      });
      if (created.status !== 201)
        throw new Error(`create ${tenantId}: ${created.status} ${created.text}`);
      const t0 = performance.now();
      const registered = await platform.api('POST', `/v1/tenants/${tenantId}/services`, {
        product: 'ledger',
        isolationMode: MODE,
      });
      if (registered.status !== 202)
        throw new Error(`register ${tenantId}: ${registered.status} ${registered.text}`);
      return t0;
    };

    // Latency, one registration at a time, interleaved with the plain script.
    const platformMs: number[] = [];
    const baselineMs: number[] = [];
    for (let i = 0; i < N + WARMUP; i++) {
      const tenant = `l${i}-${platform.runId}`;
      const plain = `s${i}-${platform.runId}`;
      tenants.push(tenant, plain);
      const t0 = await register(tenant);
      const latency = (await waitReady(tenant)) - t0;
      const sequential = await baseline.provision(plain, 'ledger', MODE);
      if (i >= WARMUP) {
        platformMs.push(latency);
        baselineMs.push(sequential);
      }
    }

    // Where one registration's time goes: each stage's completion, from registration (ServiceReady).
    const latencyTenants = Array.from({ length: N }, (_, i) => `l${i + WARMUP}-${platform.runId}`);
    const latencyStages = Object.fromEntries(
      Object.keys(timings.get(latencyTenants[0]) ?? {}).map((stage) => [
        stage,
        Math.round(
          percentile(
            latencyTenants.map((t) => timings.get(t)![stage]),
            50,
          ),
        ),
      ]),
    );

    // Throughput: many registrations at once, from the first POST to the last ServiceReady.
    const batch = Array.from({ length: THROUGHPUT_N }, (_, i) => `t${i}-${platform.runId}`);
    tenants.push(...batch);
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(process.memoryUsage().rss), 1_000);
    const start = performance.now();
    // An operator's client keeps a bounded number of calls in flight, as any API client should.
    const queue = [...batch];
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let t = queue.shift(); t; t = queue.shift()) await register(t);
      }),
    );
    const last = Math.max(...(await Promise.all(batch.map((t) => waitReady(t, 300_000)))));
    const seconds = (last - start) / 1_000;
    clearInterval(sampler);
    clearInterval(watch);
    await ready.stop();
    // Where the time goes under load: each stage's completion, from registration, across the batch.
    const stageRows = await platform.platformQuery<{ stage: string; p50: number; p99: number }>(
      `SELECT key AS stage,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99
         FROM (SELECT s.key, EXTRACT(EPOCH FROM ((s.value->>'completedAt')::timestamptz - st.registered_at)) * 1000 AS ms
                 FROM readiness_aggregator.service_status st, jsonb_each(st.stages) s
                WHERE st.tenant_id LIKE 't%') x
        GROUP BY key ORDER BY p50`,
    );

    const result = {
      bench: 'provisioning',
      mode: MODE,
      product: 'ledger (postgres + 10-table migration, mongodb, rabbitmq)',
      n: N,
      p50_ms: round(percentile(platformMs, 50)),
      p99_ms: round(percentile(platformMs, 99)),
      sequential_baseline_ms: round(percentile(baselineMs, 50)),
      sequential_baseline_p99_ms: round(percentile(baselineMs, 99)),
      stage_completion_p50_ms: latencyStages,
      ratio: Number((percentile(platformMs, 50) / percentile(baselineMs, 50)).toFixed(2)),
      throughput_n: THROUGHPUT_N,
      throughput_seconds: round(seconds),
      throughput_per_s: round(THROUGHPUT_N / seconds),
      throughput_stage_completion_ms: Object.fromEntries(
        stageRows.map((r) => [r.stage, { p50: Math.round(r.p50), p99: Math.round(r.p99) }]),
      ),
      machine: `${os.cpus().length} cpu ${os.cpus()[0]?.model ?? ''}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, load ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join('/')}`,
      at: new Date().toISOString(),
    };
    fs.mkdirSync(path.join(__dirname, '../results'), { recursive: true });
    fs.writeFileSync(
      path.join(__dirname, `../results/provisioning-${MODE.toLowerCase()}.json`),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await platform.stop().catch(() => undefined);
    await resources
      .cleanUp(tenants, [['ledger', MODE]])
      .catch((e) => console.error('cleanup:', e.message));
    await pgProvisioner.close();
    await mongo.close();
    await baselineDs.destroy();
    await baselineDb.drop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
