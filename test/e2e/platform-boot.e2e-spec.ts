import {
  ServiceProcess,
  TestDatabase,
  createTestDatabase,
  expectEventually,
  recordExercised,
  testInfra,
} from '@enclave/testing';
import fs from 'node:fs';
import path from 'node:path';

interface HealthBody {
  status: string;
  details: Record<string, { status: string }>;
  error: Record<string, { status: string }>;
}

const APPS: Record<string, string[]> = {
  'tenant-registry': ['postgres', 'kafka'],
  'credential-service': ['postgres', 'kafka'],
  'postgres-provisioner': ['postgres', 'kafka'],
  'mongo-provisioner': ['postgres', 'kafka', 'mongodb'],
  'broker-provisioner': ['postgres', 'kafka', 'rabbitmq'],
  'migration-runner': ['postgres', 'kafka'],
  'readiness-aggregator': ['postgres', 'kafka'],
};

/** The seven apps start from source against real servers and answer health and readiness. */
describe('platform boot', () => {
  const infra = testInfra();
  let db: TestDatabase;
  const processes: ServiceProcess[] = [];
  let port = 18_100 + Math.floor(Math.random() * 400);

  const start = (app: string, env: NodeJS.ProcessEnv = {}) => {
    const p = new ServiceProcess(`apps/${app}/src/main.ts`, {
      HTTP_PORT: String(port),
      DATABASE_URL: db.url,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      MONGO_URL: infra.mongoUrl,
      RABBITMQ_MGMT_URL: infra.rabbitmqMgmtUrl,
      LOG_LEVEL: 'info',
      ...env,
    }).start();
    processes.push(p);
    return { process: p, base: `http://127.0.0.1:${port++}` };
  };

  beforeAll(async () => {
    db = await createTestDatabase(infra.pgAdminUrl, 'boot');
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGTERM')));
    await db?.drop();
  });

  it('every app in apps/ is covered here', () => {
    expect(fs.readdirSync(path.resolve(__dirname, '../../apps')).sort()).toEqual(Object.keys(APPS).sort());
  });

  it('starts all seven apps; each is live and ready with one indicator per dependency', async () => {
    const running = Object.entries(APPS).map(([app, deps]) => ({ app, deps, ...start(app) }));
    for (const { app, deps, process, base } of running) {
      await process.waitForHttp(`${base}/health/ready`, 60_000);
      const live = (await (await fetch(`${base}/health`)).json()) as HealthBody;
      expect(live.status).toBe('ok');
      expect(live.details[app].status).toBe('up');
      const ready = (await (await fetch(`${base}/health/ready`)).json()) as HealthBody;
      expect(Object.keys(ready.details).sort()).toEqual([...deps].sort());
      expect(Object.values(ready.details).every((d) => d.status === 'up')).toBe(true);
    }
    // Logs are JSON with the service name on every line, and no secret from the environment.
    for (const { app, process } of running) {
      const lines = process.logs.split('\n').filter(Boolean);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(JSON.parse(line).service).toBe(app);
      expect(process.logs).toContain('"DATABASE_URL":"[secret]"');
    }
    recordExercised('Kafka', `${infra.kafkaBrokers.join(',')} (seven apps connected)`);
    // SIGTERM: each app runs its shutdown hooks and exits by that signal, well before the SIGKILL.
    const exits = await Promise.all(running.map(({ process }) => process.stop('SIGTERM', 15_000)));
    expect(exits).toEqual(running.map(() => ({ code: null, signal: 'SIGTERM' })));
  }, 180_000);

  it('fails fast on bad configuration, naming every problem and no secret', async () => {
    const { process } = start('broker-provisioner', {
      KAFKA_BROKERS: 'not-a-broker',
      RABBITMQ_MGMT_URL: 'definitely not a url with s3cr3t-value',
      HTTP_PORT: 'eighty',
    });
    const exit = await expectEventually(() => {
      expect(process.running).toBe(false);
      return process.stop();
    }, { timeoutMs: 30_000 });
    expect(exit.code).toBe(1);
    const report = JSON.parse(process.logs.trim().split('\n').pop()!);
    expect(report.level).toBe('fatal');
    expect(report.problems.map((p: string) => p.split(' ')[0]).sort()).toEqual(['HTTP_PORT', 'KAFKA_BROKERS', 'RABBITMQ_MGMT_URL']);
    expect(process.logs).not.toContain('s3cr3t-value');
  }, 60_000);

  it('reports not-ready (503) naming the dependency that is down, while staying live', async () => {
    const { process, base } = start('mongo-provisioner', {
      MONGO_URL: 'mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=500',
    });
    await process.waitForHttp(`${base}/health`, 60_000);
    const response = await fetch(`${base}/health/ready`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as HealthBody;
    expect(body.error.mongodb.status).toBe('down');
    expect(body.details.postgres.status).toBe('up');
    await process.stop('SIGTERM');
  }, 90_000);
});
