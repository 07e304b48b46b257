import { ServiceProcess, expectEventually } from '@enclave/testing';
import fs from 'node:fs';
import path from 'node:path';
import { isProductAppReadme } from '../../scripts/docs/generate-asyncapi';
import { APPS, AppName, PlatformHarness } from './support/platform.harness';

interface HealthBody {
  status: string;
  details: Record<string, { status: string }>;
  error: Record<string, { status: string }>;
}

const DEPENDENCIES: Record<AppName, string[]> = {
  'tenant-registry': ['postgres', 'kafka', 'vault'],
  'credential-service': ['postgres', 'kafka', 'vault'],
  'postgres-provisioner': ['postgres', 'kafka', 'vault', 'tenant-postgres'],
  'mongo-provisioner': ['postgres', 'kafka', 'vault', 'mongodb'],
  'broker-provisioner': ['postgres', 'kafka', 'vault', 'rabbitmq'],
  'migration-runner': ['postgres', 'kafka', 'vault'],
  'readiness-aggregator': ['postgres', 'kafka', 'vault'], // the vault: registry orders it follows
};

/** The seven apps start from source against real servers and answer health and readiness. */
describe('platform boot', () => {
  const platform = new PlatformHarness();
  const extra: ServiceProcess[] = [];
  let port = 18_100 + Math.floor(Math.random() * 400);

  const startAlone = (app: AppName, env: NodeJS.ProcessEnv) => {
    const base = `http://127.0.0.1:${port}`;
    const p = new ServiceProcess(`apps/${app}/src/main.ts`, {
      ...platform.appEnv(port++, app),
      ...env,
    }).start();
    extra.push(p);
    return { process: p, base };
  };

  beforeAll(() => platform.start(), 180_000);

  afterAll(async () => {
    await Promise.all(extra.map((p) => p.stop('SIGKILL')));
    await platform.stop();
  }, 60_000);

  it('every platform app in apps/ is covered here', () => {
    // Sample products (README starting with `**Product:**`) boot in their own e2e suites.
    const appsDir = path.resolve(__dirname, '../../apps');
    const platformApps = fs
      .readdirSync(appsDir)
      .filter(
        (app) => !isProductAppReadme(fs.readFileSync(path.join(appsDir, app, 'README.md'), 'utf8')),
      );
    expect(platformApps.sort()).toEqual([...APPS].sort());
    expect(Object.keys(DEPENDENCIES).sort()).toEqual([...APPS].sort());
    expect(fs.readdirSync(appsDir)).toContain('sample-ledger');
  });

  it('each app is live and ready with one indicator per dependency, logging JSON without secrets', async () => {
    for (const app of APPS) {
      const { base, process } = platform.apps.get(app)!;
      const live = (await (await fetch(`${base}/health`)).json()) as HealthBody;
      expect(live.status).toBe('ok');
      expect(live.details[app].status).toBe('up');
      const ready = (await (await fetch(`${base}/health/ready`)).json()) as HealthBody;
      expect([app, Object.keys(ready.details).sort()]).toEqual([
        app,
        [...DEPENDENCIES[app]].sort(),
      ]);
      expect(Object.values(ready.details).every((d) => d.status === 'up')).toBe(true);
      const lines = process.logs.split('\n').filter(Boolean);
      for (const line of lines) expect(JSON.parse(line).service).toBe(app);
      expect(process.logs).toContain('"DATABASE_URL":"[secret]"');
    }
  });

  it('opens the status view and the API documents to the operator token only; health to all', async () => {
    const registry = platform.apps.get('tenant-registry')!.base;
    const aggregator = platform.apps.get('readiness-aggregator')!.base;
    const get = (url: string, token?: string) =>
      fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const closed = [
      `${aggregator}/v1/products/ledger/summary`,
      `${aggregator}/v1/products/ledger/tenants`,
      `${aggregator}/v1/registrations/00000000-0000-4000-8000-000000000000`,
      `${registry}/docs`,
      `${registry}/openapi.json`,
    ];
    for (const url of closed) {
      expect([url, (await get(url)).status]).toEqual([url, 401]);
      expect([url, (await get(url, `${platform.adminToken}0`)).status]).toEqual([url, 401]);
      expect([url, (await get(url, platform.productTokenSecret)).status]).toEqual([url, 401]);
    }
    const opened = await Promise.all(closed.map((url) => get(url, platform.adminToken)));
    expect(opened.map((r) => r.status)).toEqual([200, 200, 404, 200, 200]);
    expect(((await opened[4].json()) as { openapi: string }).openapi).toMatch(/^3\./);
    // The YAML copy Swagger would add beside it is not served at all.
    expect((await get(`${registry}/docs-yaml`, platform.adminToken)).status).toBe(404);
    for (const app of APPS) {
      const { base } = platform.apps.get(app)!;
      for (const path of ['/health', '/health/ready']) {
        expect([app, path, (await get(`${base}${path}`)).status]).toEqual([app, path, 200]);
      }
    }
  });

  it('shuts every app down gracefully on SIGTERM', async () => {
    const exits = await Promise.all(
      APPS.map((app) => platform.apps.get(app)!.process.stop('SIGTERM', 15_000)),
    );
    // NestJS re-raises the signal after its shutdown hooks; a SIGKILL would mean it hung.
    expect(exits).toEqual(APPS.map(() => ({ code: null, signal: 'SIGTERM' })));
  }, 60_000);

  it('fails fast on bad configuration, naming every problem and no secret', async () => {
    const { process } = startAlone('broker-provisioner', {
      KAFKA_BROKERS: 'not-a-broker',
      RABBITMQ_MGMT_URL: 'definitely not a url with s3cr3t-value',
      HTTP_PORT: 'eighty',
    });
    const exit = await expectEventually(
      () => {
        expect(process.running).toBe(false);
        return process.stop();
      },
      { timeoutMs: 30_000 },
    );
    expect(exit.code).toBe(1);
    const report = JSON.parse(process.logs.trim().split('\n').pop()!);
    expect(report.level).toBe('fatal');
    expect(report.problems.map((p: string) => p.split(' ')[0]).sort()).toEqual([
      'HTTP_PORT',
      'KAFKA_BROKERS',
      'RABBITMQ_MGMT_URL',
    ]);
    expect(process.logs).not.toContain('s3cr3t-value');
  }, 60_000);

  it('reports not-ready (503) naming the dependency that is down, while staying live', async () => {
    const { process, base } = startAlone('mongo-provisioner', {
      MONGO_URL: 'mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=500',
    });
    await process.waitForHttp(`${base}/health`, 60_000);
    const response = await fetch(`${base}/health/ready`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as HealthBody;
    expect(body.error.mongodb.status).toBe('down');
    expect(body.details.postgres.status).toBe('up');
  }, 90_000);
});
