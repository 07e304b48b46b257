import 'reflect-metadata';
import {
  IsolationMode,
  ProductManifest,
  ProductName,
  Topics,
  tenantResourceNames,
} from '@enclave/contracts';
import { exampleProducts } from '@enclave/product-catalog';
import { EmbeddedSecretStore, EncryptionKeyRing } from '@enclave/secret-store';
import { createTestDatabase } from '@enclave/testing';
import { Logger } from '@nestjs/common';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, escapeIdentifier } from 'pg';
import { DataSource } from 'typeorm';
import { RabbitMqManagementClient } from '../../apps/broker-provisioner/src/provisioning/rabbitmq-management.client';
import { RabbitMqTenantProvisioner } from '../../apps/broker-provisioner/src/provisioning/rabbitmq-tenant.provisioner';
import { TenantPostgresEndpoint } from '../../apps/migration-runner/src/migrations/tenant-postgres.endpoint';
import { MongoTenantProvisioner } from '../../apps/mongo-provisioner/src/provisioning/mongo-tenant.provisioner';
import { PostgresTenantProvisioner } from '../../apps/postgres-provisioner/src/provisioning/postgres-tenant.provisioner';
import { PlatformHarness } from '../../test/e2e/support/platform.harness';
import { TenantResources } from '../../test/e2e/support/tenant-resources';
import { BoundedRunResult, boundedRun } from './bounded-run';
import { CpuSampler } from './cpu-sampler';
import {
  CpuDelta,
  CpuPerRegistration,
  NO_CPU,
  addCpu,
  cpuBetween,
  cpuPerRegistration,
  cpuPerSecond,
} from './cpu-usage';
import { EventCounts, eventsPerRegistration, scrapeEventCounts } from './event-counts';
import { PeerLikeSchemaBaseline } from './peer-like-schema.baseline';
import { Outcome, ReadinessWatch } from './readiness-watch';
import { AggregatorStatus, OutcomeReport, buildOutcomeReport } from './registration-outcomes';
import { rssMiB } from './rss-sample';
import { SequentialBaseline } from './sequential-baseline';
import { deadlineMs, waitDeadlineFromEnv } from './wait-deadline';

/**
 * Registration → ServiceReady latency of the whole platform (seven processes, Kafka, real
 * PostgreSQL, MongoDB-compatible server, RabbitMQ) against a plain script doing the same resource
 * operations one after another, interleaved in one run; then a throughput run. Both phases report
 * the CPU each process used per registration, and what became of every registration (Ready, Failed,
 * late and the stages it waits on): late or failed registrations are figures, not a crash.
 * Env: BENCH_MODE (SCHEMA | DATABASE), BENCH_N (latency samples), BENCH_THROUGHPUT_N, and see below.
 */
const MODE = (process.env.BENCH_MODE ?? 'SCHEMA') as IsolationMode;
const N = Number(process.env.BENCH_N ?? 30);
const THROUGHPUT_N = Number(process.env.BENCH_THROUGHPUT_N ?? 200);
const WARMUP = 3;
/** How long one sequential registration may take before it counts as late. */
const SEQUENTIAL_DEADLINE_MS = Number(process.env.BENCH_SEQUENTIAL_DEADLINE_MS ?? 60_000);
/** After Ready, before a CPU window closes: the registry still handles the last status events. */
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 250);
/** The platform at rest, between the phases: what the processes use doing nothing (0: skip). */
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 3_000);
const WAIT_DEADLINE = waitDeadlineFromEnv(process.env);
/** DATABASE mode: tenants' databases copied from a template at the product version (the default). */
const TEMPLATES = (process.env.BENCH_DATABASE_TEMPLATES ?? 'true') !== 'false';
/** RabbitMQ isolation of the registered product: a vhost per tenant, or the product's shared vhost. */
const RABBITMQ = (process.env.BENCH_RABBITMQ ?? 'VHOST') as 'VHOST' | 'SHARED_VHOST';
/**
 * The floors, in the same run before the throughput phase: the plain script's operations for
 * BENCH_THROUGHPUT_N tenants with as many in flight as the bench's client (the servers alone), and
 * the RabbitMQ part alone with 8 in flight (what RabbitMQ alone can do). Each is torn down before
 * the next phase, so every phase starts from the same servers.
 */
const FLOORS = (process.env.BENCH_FLOORS ?? 'true') !== 'false';
/** Calls the bench's client keeps in flight (and the servers-alone floor). */
const CLIENT_CONCURRENCY = 16;
const RABBITMQ_FLOOR_CONCURRENCY = 8;
/** The result file's name without `.json` (default: `provisioning-<mode>[-no-templates]`), for A/B runs. */
const RESULT_NAME =
  process.env.BENCH_RESULT_NAME ||
  `provisioning-${MODE.toLowerCase()}${MODE === 'DATABASE' && !TEMPLATES ? '-no-templates' : ''}${RABBITMQ === 'SHARED_VHOST' ? '-shared-vhost' : ''}`;

/** The ledger, or (BENCH_RABBITMQ=SHARED_VHOST) a bench product that is the ledger in a shared vhost. */
function benchManifest(): ProductManifest {
  const ledger = exampleProducts.get('ledger')!;
  if (RABBITMQ === 'VHOST') return ledger;
  return {
    ...structuredClone(ledger),
    name: 'bench-sv' as ProductName,
    version: '1.0.0',
    resources: {
      ...structuredClone(ledger.resources),
      rabbitmq: { ...structuredClone(ledger.resources.rabbitmq!), isolation: 'SHARED_VHOST' },
    },
  };
}

const percentile = (values: number[], p: number): number | null => {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const round = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  if (!['VHOST', 'SHARED_VHOST'].includes(RABBITMQ))
    throw new Error(`BENCH_RABBITMQ must be VHOST or SHARED_VHOST, not ${RABBITMQ}`);
  Logger.overrideLogger(['error']);
  const manifest = benchManifest();
  const product = manifest.name;
  const platform = new PlatformHarness({
    logLevel: 'warn',
    env: {
      TENANT_PG_DATABASE_TEMPLATES: String(TEMPLATES),
      // e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`: each app writes a CPU profile when it stops.
      ...(process.env.BENCH_APP_NODE_OPTIONS
        ? { NODE_OPTIONS: process.env.BENCH_APP_NODE_OPTIONS }
        : {}),
    },
    // e.g. `{"broker-provisioner":{"DATABASE_POOL_SIZE":"20"}}`: one stage's own settings.
    envFor: appEnvFromJson(process.env.BENCH_APP_ENV),
  });
  const resources = new TenantResources(platform.infra);
  const tenants: string[] = [];
  const baselineDb = await createTestDatabase(platform.infra.pgAdminUrl, 'bench_baseline');
  const baselineDs = await new DataSource({
    type: 'postgres',
    url: baselineDb.url,
    // The servers-alone floor writes 16 tenants' secrets at once, as the credential-service can.
    extra: { max: 10 },
  }).initialize();
  const secrets = new EmbeddedSecretStore(
    baselineDs,
    EncryptionKeyRing.fromConfig(platform.encryptionKeyForTests),
  );
  await secrets.ensureSchema();
  const pgProvisioner = new PostgresTenantProvisioner(platform.infra.pgAdminUrl);
  const mongo = new MongoTenantProvisioner(platform.infra.mongoUrl, {
    allowUnauthenticatedTenants: platform.infra.mongoAllowUnauthenticatedTenants,
  });
  const rabbit = new RabbitMqTenantProvisioner(platform.infra.rabbitmqMgmtUrl);
  const baseline = new SequentialBaseline(
    secrets,
    pgProvisioner,
    mongo,
    rabbit,
    new TenantPostgresEndpoint(`postgres://${new URL(platform.infra.pgAdminUrl).host}`),
  );
  const peerClient = new Client({ connectionString: baselineDb.url });
  await peerClient.connect();
  const peer = new PeerLikeSchemaBaseline(peerClient, manifest.resources.postgres!.migrations);
  let watch: ReadinessWatch | undefined;
  try {
    await platform.start();
    if (product !== 'ledger') {
      // The bench product's shared vhost: the last tenant's teardown takes it, unless one failed.
      await new RabbitMqManagementClient(platform.infra.rabbitmqMgmtUrl)
        .deleteVhost(tenantResourceNames('shared', product, 'SCHEMA').sharedVhost)
        .catch((e: Error) => console.error('cleanup:', e.message));
      // The bench product's shared database, made and delegated as the example products' are.
      await platform.pgRoles!.delegateDatabases(
        [tenantResourceNames('shared', product, 'SCHEMA').pgDatabase],
        { create: true },
      );
      const put = await platform.api('PUT', `/v1/products/${product}/versions/1.0.0`, manifest);
      if (put.status !== 201) throw new Error(`publish ${product}: ${put.status} ${put.text}`);
    }
    const seen = await ReadinessWatch.start(platform.kafka, {
      ready: platform.topic(Topics.ServiceReady),
      failed: platform.topic(Topics.ServiceFailed),
    });
    watch = seen;
    const cpu = CpuSampler.locate({
      kafka: { address: platform.infra.kafkaBrokers[0], defaultPort: 9092 },
      postgresql: { address: platform.infra.pgAdminUrl, defaultPort: 5432 },
      mongodb: { address: platform.infra.mongoUrl, defaultPort: 27017 },
      rabbitmq: { address: platform.infra.rabbitmqUrl, defaultPort: 5672 },
    });
    /** The registration's start, or undefined when the API refused it (a failure, stage `api`). */
    const register = async (tenantId: string): Promise<number | undefined> => {
      try {
        const created = await platform.api('POST', '/v1/tenants', {
          id: tenantId,
          displayName: tenantId,
        });
        if (created.status !== 201) throw new Error(`create: ${created.status} ${created.text}`);
        const t0 = performance.now();
        const registered = await platform.api('POST', `/v1/tenants/${tenantId}/services`, {
          product,
          isolationMode: MODE,
        });
        if (registered.status !== 202)
          throw new Error(`register: ${registered.status} ${registered.text}`);
        return t0;
      } catch (error) {
        seen.refused(tenantId, (error as Error).message);
        return undefined;
      }
    };
    /** The aggregator's view of registrations still unfinished at their deadline, taken then. */
    const statusesOf = async (late: string[]): Promise<AggregatorStatus[]> => {
      if (!late.length) return [];
      const rows = await platform.platformQuery<{
        tenant_id: string;
        state: string;
        required: string[] | null;
        stages: AggregatorStatus['stages'];
      }>(
        `SELECT tenant_id, state, required, stages
           FROM readiness_aggregator.service_status WHERE tenant_id = ANY($1)`,
        [late],
      );
      return rows.map((r) => ({ ...r, tenantId: r.tenant_id }));
    };
    /** What each registration was at its deadline (one that turned Ready later still counts late). */
    const reportOf = (submitted: string[], outcomes: Outcome[], statuses: AggregatorStatus[]) =>
      buildOutcomeReport({
        submitted,
        ready: new Set(submitted.filter((_, i) => outcomes[i] === 'ready')),
        failures: new Map(
          submitted
            .filter((_, i) => outcomes[i] === 'failed')
            .map((t) => [t, seen.failures.get(t)!]),
        ),
        statuses,
      });

    // Latency, one registration at a time, interleaved with the plain script. Each measured
    // registration's CPU window runs from its first POST to Ready plus the settle time.
    const platformMs: number[] = [];
    const baselineMs: number[] = [];
    const pgPartPlainMs: number[] = [];
    const pgPartTemplateMs: number[] = [];
    const peerMs: number[] = [];
    const measured: string[] = [];
    const measuredOutcomes: Outcome[] = [];
    const lateStatuses: AggregatorStatus[] = [];
    let warmupNotReady = 0;
    let sequentialCpu = NO_CPU;
    const eventCounts = () => scrapeEventCounts(platform.apps, platform.metricsToken);
    // Scraped outside the CPU windows: the events the apps handled for the measured registrations.
    let sequentialEventsBefore: EventCounts = {};
    for (let i = 0; i < N + WARMUP; i++) {
      const tenant = `l${i}-${platform.runId}`;
      const plain = `s${i}-${platform.runId}`;
      tenants.push(tenant, plain);
      if (i === WARMUP) sequentialEventsBefore = await eventCounts();
      const before = cpu.snapshot();
      const t0 = await register(tenant);
      const outcome: Outcome =
        t0 === undefined
          ? 'failed'
          : await seen.outcome(tenant, performance.now() + SEQUENTIAL_DEADLINE_MS);
      if (i >= WARMUP && outcome === 'late') lateStatuses.push(...(await statusesOf([tenant])));
      await sleep(SETTLE_MS);
      if (i < WARMUP) {
        if (outcome !== 'ready') warmupNotReady++;
      } else {
        sequentialCpu = addCpu(sequentialCpu, cpuBetween(before, cpu.snapshot()));
        measured.push(tenant);
        measuredOutcomes.push(outcome);
        if (outcome === 'ready') platformMs.push(seen.readyAt.get(tenant)! - t0!);
      }
      const sequential = await baseline.provision(plain, manifest, MODE);
      if (i >= WARMUP) baselineMs.push(sequential);
      if (MODE === 'SCHEMA') {
        // The peer's whole tenant creation (one connection, schema + tables in one transaction).
        const ms = await peer.create(`peer_${i}_${platform.runId}`);
        if (i >= WARMUP) peerMs.push(ms);
      }
      if (MODE === 'DATABASE') {
        // The template lever alone, interleaved: the PostgreSQL part created empty and migrated,
        // then copied from the template (alternating which goes first).
        const pair = [`pe${i}-${platform.runId}`, `pt${i}-${platform.runId}`];
        tenants.push(...pair);
        const order = i % 2 ? [true, false] : [false, true];
        for (const template of order) {
          const ms = await baseline.postgresPart(pair[Number(template)], 'ledger', template);
          if (i >= WARMUP) (template ? pgPartTemplateMs : pgPartPlainMs).push(ms);
        }
      }
    }
    const sequentialEvents = eventsPerRegistration(
      sequentialEventsBefore,
      await eventCounts(),
      measured.length,
    );
    const sequentialOutcome = reportOf(measured, measuredOutcomes, lateStatuses);

    // Where one registration's time goes: each stage's completion, from registration (ServiceReady).
    const readyMeasured = measured.filter((_, i) => measuredOutcomes[i] === 'ready');
    const latencyStages = Object.fromEntries(
      Object.keys(seen.stageTimings.get(readyMeasured[0]) ?? {}).map((stage) => [
        stage,
        Math.round(
          percentile(
            readyMeasured.map((t) => seen.stageTimings.get(t)![stage]),
            50,
          )!,
        ),
      ]),
    );

    let idle: CpuDelta | undefined;
    if (IDLE_MS > 0) {
      await sleep(SETTLE_MS);
      const before = cpu.snapshot();
      await sleep(IDLE_MS);
      idle = cpuBetween(before, cpu.snapshot());
    }

    // The floors: what the servers alone do for as many tenants, torn down before the platform's turn.
    const floors: Record<string, BoundedRunResult> = {};
    // A floor not fully torn down leaves the servers busier for the platform's turn: reported.
    const floorCleanupErrors: string[] = [];
    if (FLOORS && THROUGHPUT_N > 0) {
      const scripted = Array.from({ length: THROUGHPUT_N }, (_, i) => `fs${i}-${platform.runId}`);
      floors.servers_alone = await boundedRun(scripted, CLIENT_CONCURRENCY, (t) =>
        baseline.provision(t, manifest, MODE),
      );
      await cleanUpInParallel(resources, scripted, [[product, MODE]]).catch((e) =>
        floorCleanupErrors.push((e as Error).message),
      );
      const rabbitOnly = Array.from({ length: THROUGHPUT_N }, (_, i) => `fr${i}-${platform.runId}`);
      floors.rabbitmq_alone = await boundedRun(rabbitOnly, RABBITMQ_FLOOR_CONCURRENCY, (t) =>
        baseline.rabbitmq(t, manifest, MODE),
      );
      const removed = await boundedRun(rabbitOnly, RABBITMQ_FLOOR_CONCURRENCY, (tenantId) =>
        rabbit.deprovision({ tenantId, product }),
      );
      floorCleanupErrors.push(...removed.errors);
    }

    // Throughput: many registrations at once, from the first POST to the last ServiceReady, or to
    // the deadline (scaled with N) with what is unfinished reported.
    const batch = Array.from({ length: THROUGHPUT_N }, (_, i) => `t${i}-${platform.runId}`);
    tenants.push(...batch);
    const waitMs = deadlineMs(THROUGHPUT_N, WAIT_DEADLINE);
    const throughputEventsBefore = await eventCounts();
    // Memory of every process before the phase, at each tenth of the batch Ready and at 1,000 Ready.
    const batchSet = new Set(batch);
    const rssBefore = rssMiB(cpu.counted);
    const rssAtReady: Record<string, Record<string, number>> = {};
    const tenth = Math.max(1, Math.ceil(THROUGHPUT_N / 10));
    let readyInBatch = 0;
    seen.onReady = (tenantId) => {
      if (!batchSet.has(tenantId)) return;
      readyInBatch++;
      if (readyInBatch % tenth === 0 || readyInBatch === 1_000)
        rssAtReady[String(readyInBatch)] = rssMiB(cpu.counted);
    };
    const cpuBefore = cpu.snapshot();
    const start = performance.now();
    const startedAt = new Map<string, number>();
    // An operator's client keeps a bounded number of calls in flight, as any API client should
    // (register records a refusal itself and never throws).
    await boundedRun(batch, CLIENT_CONCURRENCY, async (t) => {
      const t0 = await register(t);
      if (t0 !== undefined) startedAt.set(t, t0);
    });
    const outcomes = await Promise.all(batch.map((t) => seen.outcome(t, start + waitMs)));
    const stoppedAt = performance.now();
    const throughputOutcome = reportOf(
      batch,
      outcomes,
      await statusesOf(batch.filter((_, i) => outcomes[i] === 'late')),
    );
    await sleep(SETTLE_MS);
    const throughputCpu = cpuBetween(cpuBefore, cpu.snapshot());
    const throughputEvents = eventsPerRegistration(
      throughputEventsBefore,
      await eventCounts(),
      THROUGHPUT_N,
    );
    const readyBatch = batch.filter((_, i) => outcomes[i] === 'ready');
    // An app that died is a figure too: which, and the end of what it printed.
    const appsExited = [...platform.apps]
      .filter(([, app]) => !app.process.running)
      .map(([name]) => name);
    for (const name of appsExited)
      console.error(`${name} exited:\n${platform.apps.get(name)!.process.logs.slice(-4_000)}`);
    const rssAfter = rssMiB(cpu.counted);
    // Lost or duplicated: each submitted registration recorded once, and Ready at most once.
    const [{ recorded }] = await platform.platformQuery<{ recorded: number }>(
      `SELECT count(*)::int AS recorded FROM tenant_registry.service_registration
        WHERE tenant_id = ANY($1) AND product = $2`,
      [batch, product],
    );
    const duplicateReady = batch.reduce((n, t) => n + (seen.duplicateReady.get(t) ?? 0), 0);
    const finished = outcomes.every((o) => o !== 'late');
    // Unfinished: the rate is what was Ready by the deadline, over the whole wait.
    const end = finished ? Math.max(...readyBatch.map((t) => seen.readyAt.get(t)!)) : stoppedAt;
    const seconds = readyBatch.length || !finished ? (end - start) / 1_000 : null;
    const throughputLatency = readyBatch.map((t) => seen.readyAt.get(t)! - startedAt.get(t)!);
    await seen.stop();
    watch = undefined;
    // Where the time goes under load: each stage's completion, from registration, across the batch.
    const stageRows = await platform.platformQuery<{ stage: string; p50: number; p99: number }>(
      `SELECT key AS stage,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99
         FROM (SELECT s.key, EXTRACT(EPOCH FROM ((s.value->>'completedAt')::timestamptz - st.registered_at)) * 1000 AS ms
                 FROM readiness_aggregator.service_status st, jsonb_each(st.stages) s
                WHERE st.tenant_id LIKE 't%' AND s.value->>'status' = 'done') x
        GROUP BY key ORDER BY p50`,
    );

    const p50 = percentile(platformMs, 50);
    const baselineP50 = percentile(baselineMs, 50);
    const cpuSequential = cpuPerRegistration(
      sequentialCpu,
      measured.length,
      cpu.ticksPerSecond,
      idle,
    );
    const cpuThroughput = cpuPerRegistration(throughputCpu, THROUGHPUT_N, cpu.ticksPerSecond, idle);
    const throughputSeconds = round(seconds);
    const peerP50 = percentile(peerMs, 50);
    const result = {
      bench: 'provisioning',
      mode: MODE,
      rabbitmq_isolation: RABBITMQ,
      ...(MODE === 'DATABASE' ? { database_templates: TEMPLATES } : {}),
      product: `${product} (postgres + 10-table migration, mongodb, rabbitmq${RABBITMQ === 'SHARED_VHOST' ? ' in a shared vhost' : ''})`,
      n: N,
      p50_ms: round(p50),
      p99_ms: round(percentile(platformMs, 99)),
      sequential_baseline_ms: round(baselineP50),
      sequential_baseline_p99_ms: round(percentile(baselineMs, 99)),
      stage_completion_p50_ms: latencyStages,
      ...(MODE === 'DATABASE'
        ? {
            // Plain script, PostgreSQL part only (role, database, 10 migrations), interleaved.
            script_postgres_part_ms: {
              created_and_migrated: {
                p50: round(percentile(pgPartPlainMs, 50)),
                p99: round(percentile(pgPartPlainMs, 99)),
              },
              copied_from_template: {
                p50: round(percentile(pgPartTemplateMs, 50)),
                p99: round(percentile(pgPartTemplateMs, 99)),
              },
            },
          }
        : {}),
      ratio: p50 !== null && baselineP50 ? Number((p50 / baselineP50).toFixed(2)) : null,
      ...(MODE === 'SCHEMA'
        ? {
            // Registration call → migrations done, against the peer's whole tenant creation.
            postgres_part_vs_peer: {
              platform_migrations_done_p50_ms: latencyStages.migrations ?? null,
              peer_like_p50_ms: round(peerP50),
              peer_like_p99_ms: round(percentile(peerMs, 99)),
              ratio:
                latencyStages.migrations !== undefined && peerP50
                  ? Number((latencyStages.migrations / peerP50).toFixed(2))
                  : null,
            },
          }
        : {}),
      sequential_outcome: {
        ...sequentialOutcome,
        deadline_ms: SEQUENTIAL_DEADLINE_MS,
        ...(warmupNotReady ? { warmup_not_ready: warmupNotReady } : {}),
      },
      throughput_n: THROUGHPUT_N,
      throughput_seconds: throughputSeconds,
      throughput_per_s: seconds ? round(readyBatch.length / seconds) : null,
      throughput_latency_ms: {
        p50: round(percentile(throughputLatency, 50)),
        p99: round(percentile(throughputLatency, 99)),
      },
      throughput_outcome: {
        ...throughputOutcome,
        deadline_ms: waitMs,
        waited_s: round((stoppedAt - start) / 1_000),
        registrations_recorded: recorded,
        apps_exited: appsExited,
        duplicate_ready: duplicateReady,
      },
      // The servers alone for the same number of tenants, in this run, and the platform against them.
      floors: FLOORS
        ? {
            ...floors,
            cleanup_errors: floorCleanupErrors.slice(0, 5),
            platform_vs_servers_alone:
              throughputSeconds && floors.servers_alone?.seconds
                ? Number((throughputSeconds / floors.servers_alone.seconds).toFixed(2))
                : null,
            platform_vs_rabbitmq_alone:
              throughputSeconds && floors.rabbitmq_alone?.seconds
                ? Number((throughputSeconds / floors.rabbitmq_alone.seconds).toFixed(2))
                : null,
          }
        : null,
      // MiB per process: before the throughput phase, at each tenth of it Ready (and at 1,000), after.
      rss_mib: { before: rssBefore, at_ready: rssAtReady, after: rssAfter },
      throughput_stage_completion_ms: Object.fromEntries(
        stageRows.map((r) => [r.stage, { p50: Math.round(r.p50), p99: Math.round(r.p99) }]),
      ),
      cpu_ms_per_registration: {
        sequential: cpuSequential,
        throughput: cpuThroughput,
        idle_ms_per_s: idle ? cpuPerSecond(idle, cpu.ticksPerSecond) : null,
        not_counted: cpu.notCounted,
      },
      // Per app, events handled (outcome `handled`) per registration, by type, in each phase.
      events_per_registration: { sequential: sequentialEvents, throughput: throughputEvents },
      machine: `${os.cpus().length} cpu ${os.cpus()[0]?.model ?? ''}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, load ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join('/')}`,
      at: new Date().toISOString(),
    };
    fs.mkdirSync(path.join(__dirname, '../results'), { recursive: true });
    fs.writeFileSync(
      path.join(__dirname, `../results/${RESULT_NAME}.json`),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    process.stdout.write(
      `${summaryLine(sequentialOutcome, throughputOutcome, result.throughput_seconds, cpuSequential, cpuThroughput)}${floorLine(floors)}\n`,
    );
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await watch?.stop().catch(() => undefined);
    await platform.stop().catch((e) => console.error('platform stop:', e.message));
    await cleanUpInParallel(resources, tenants, [[product, MODE]]).catch((e) =>
      console.error('cleanup:', e.message),
    );
    if (product !== 'ledger') {
      // The bench product's shared vhost: the last tenant's teardown takes it, unless one failed.
      await new RabbitMqManagementClient(platform.infra.rabbitmqMgmtUrl)
        .deleteVhost(tenantResourceNames('shared', product, 'SCHEMA').sharedVhost)
        .catch((e: Error) => console.error('cleanup:', e.message));
      // The bench product's shared database (the superuser made it, so the run's roles did not own it).
      const admin = new Client({ connectionString: platform.infra.pgAdminUrl });
      await admin
        .connect()
        .then(() =>
          admin.query(
            `DROP DATABASE IF EXISTS ${escapeIdentifier(tenantResourceNames('shared', product, 'SCHEMA').pgDatabase)} WITH (FORCE)`,
          ),
        )
        .catch((e: Error) => console.error('cleanup:', e.message))
        .finally(() => admin.end());
    }
    await peerClient.end();
    await pgProvisioner.close();
    await mongo.close();
    await baselineDs.destroy();
    await baselineDb.drop();
  }
}

/** BENCH_APP_ENV: a JSON object of app name → variables; refused unless every value is a string. */
function appEnvFromJson(text: string | undefined): Record<string, Record<string, string>> {
  if (!text) return {};
  const parsed: unknown = JSON.parse(text);
  const ok =
    typeof parsed === 'object' &&
    parsed !== null &&
    Object.values(parsed).every(
      (vars) =>
        typeof vars === 'object' &&
        vars !== null &&
        Object.values(vars).every((v) => typeof v === 'string'),
    );
  if (!ok) throw new Error('BENCH_APP_ENV must be {"<app>": {"<VARIABLE>": "<value>"}}');
  return parsed as Record<string, Record<string, string>>;
}

/**
 * Tears down what `tenants` may hold (TenantResources.cleanUp) in eight slices at once: one after
 * another, 10,000 tenants would take longer than making them. Every slice runs to its end; the
 * first error is thrown after all of them.
 */
async function cleanUpInParallel(
  resources: TenantResources,
  tenants: readonly string[],
  combinations: [ProductName, IsolationMode][],
): Promise<void> {
  const slices = Array.from({ length: 8 }, (_, k) => tenants.filter((_, i) => i % 8 === k));
  const settled = await Promise.allSettled(
    slices.filter((s) => s.length).map((s) => resources.cleanUp(s, combinations)),
  );
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

function floorLine(floors: Record<string, BoundedRunResult>): string {
  return Object.entries(floors)
    .map(([name, f]) => `; ${name.replace('_', ' ')}: ${f.n} in ${f.seconds} s (${f.per_s}/s)`)
    .join('');
}

/** One human line: what became of the registrations and the CPU each cost. */
function summaryLine(
  sequential: OutcomeReport,
  throughput: OutcomeReport,
  seconds: number | null,
  cpuSequential: CpuPerRegistration | null,
  cpuThroughput: CpuPerRegistration | null,
): string {
  const counts = (o: OutcomeReport) =>
    `${o.ready}/${o.submitted} Ready` +
    (o.failed ? `, ${o.failed} failed` : '') +
    (o.late
      ? `, ${o.late} late (waiting on ${Object.entries(o.waiting_on)
          .map(([stage, n]) => `${stage} ${n}`)
          .join(', ')})`
      : '');
  const cpuText = (c: CpuPerRegistration | null) => (c ? `${Math.round(c.total)} ms` : 'n/a');
  return (
    `provisioning ${MODE}${MODE === 'DATABASE' && !TEMPLATES ? ' (no templates)' : ''}: sequential ${counts(sequential)}; throughput ${counts(throughput)}` +
    `${seconds === null ? '' : ` in ${seconds} s`}; CPU per registration (counted processes) ` +
    `${cpuText(cpuSequential)} sequential, ${cpuText(cpuThroughput)} throughput`
  );
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
