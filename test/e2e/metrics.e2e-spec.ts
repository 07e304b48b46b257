import { exampleProducts } from '@enclave/product-catalog';
import { expectEventually } from '@enclave/testing';
import fs from 'node:fs';
import path from 'node:path';
import { APPS, PlatformHarness } from './support/platform.harness';
import { PrometheusServer } from './support/prometheus-server';
import { TenantResources } from './support/tenant-resources';

jest.setTimeout(240_000);

const DASHBOARDS = path.resolve(__dirname, '../../deploy/grafana/dashboards');

/** Every query of every provisioned Grafana dashboard, with the product variable filled in. */
function dashboardQueries(): { dashboard: string; panel: string; expr: string }[] {
  return fs.readdirSync(DASHBOARDS).flatMap((file) => {
    const dashboard = JSON.parse(fs.readFileSync(path.join(DASHBOARDS, file), 'utf8'));
    return dashboard.panels.flatMap((panel: { title: string; targets: { expr: string }[] }) =>
      panel.targets.map((t) => ({
        dashboard: file,
        panel: panel.title,
        expr: t.expr.replaceAll('$product', 'ledger'),
      })),
    );
  });
}

/**
 * Prometheus metrics on the running platform, scraped by a real Prometheus: every app is a target
 * that is up, and after a few onboardings and a rollout every query the Grafana dashboards use
 * returns series.
 */
describe('metrics', () => {
  const platform = new PlatformHarness();
  const resources = new TenantResources(platform.infra);
  const tenants = [0, 1, 2].map((i) => `met${i}-${platform.runId}`);
  let prometheus: PrometheusServer;

  beforeAll(async () => {
    await platform.start();
    prometheus = new PrometheusServer(
      platform.extraPort(7),
      APPS.map((app) => ({ job: app, address: new URL(platform.apps.get(app)!.base).host })),
      platform.metricsToken,
    );
    await prometheus.start();
  }, 400_000);

  afterAll(async () => {
    await prometheus?.stop();
    await platform.stop();
    await resources.cleanUp(tenants);
  });

  it('serves /metrics only to the holder of the metrics token', async () => {
    for (const app of APPS) {
      const url = `${platform.apps.get(app)!.base}/metrics`;
      expect((await fetch(url)).status).toBe(401);
      expect(
        (await fetch(url, { headers: { authorization: `Bearer ${platform.adminToken}` } })).status,
      ).toBe(401);
      const scraped = await fetch(url, {
        headers: { authorization: `Bearer ${platform.metricsToken}` },
      });
      expect(scraped.status).toBe(200);
      expect(scraped.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await scraped.text()).toMatch(
        new RegExp(`process_resident_memory_bytes\\{service="${app}"\\}`),
      );
    }
  });

  it('is scraped from every app, and every dashboard query returns series after onboardings and a rollout', async () => {
    await expectEventually(
      async () => {
        const targets = await prometheus.activeTargets();
        expect(targets.map((t) => t.job).sort()).toEqual([...APPS].sort());
        for (const t of targets) expect(t).toMatchObject({ health: 'up', lastError: '' });
      },
      { timeoutMs: 60_000 },
    );

    for (const [i, tenant] of tenants.entries()) {
      await platform.api('POST', '/v1/tenants', { id: tenant, displayName: `Metrics ${i}` });
      await platform.api('POST', `/v1/tenants/${tenant}/services`, {
        product: i === 2 ? 'tracer' : 'ledger',
        isolationMode: 'SCHEMA',
      });
    }
    for (const [i, tenant] of tenants.entries())
      await platform.waitForState(tenant, i === 2 ? 'tracer' : 'ledger', 'ready', 90_000);

    const next = structuredClone(exampleProducts.get('ledger')!);
    next.version = '1.0.1';
    expect((await platform.api('PUT', '/v1/products/ledger/versions/1.0.1', next)).status).toBe(
      201,
    );
    const rollout = await platform.api('POST', '/v1/products/ledger/rollouts', {
      targetVersion: '1.0.1',
    });
    expect(rollout.status).toBe(202);
    await expectEventually(
      async () => {
        const { body } = await platform.api(
          'GET',
          `/v1/products/ledger/rollouts/${rollout.body.id}`,
        );
        expect(body.state).toBe('completed');
      },
      { timeoutMs: 90_000 },
    );

    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(APPS.length * 8);
    await expectEventually(
      async () => {
        const empty: string[] = [];
        for (const q of queries)
          if ((await prometheus.query(q.expr)).length === 0)
            empty.push(`${q.dashboard} · ${q.panel}: ${q.expr}`);
        expect(empty).toEqual([]);
      },
      { timeoutMs: 90_000, intervalMs: 2_000 },
    );

    // The figures are the platform's, not just present: three Ready, two of them ledger, both
    // rolled out. Eventually: a gauge counted at scrape time shows in the next scrape, not at once.
    await expectEventually(
      async () => {
        const ready = await prometheus.query(
          'sum by (product) (enclave_registrations{state="ready"})',
        );
        expect(
          Object.fromEntries(ready.map((r) => [r.metric.product, Number(r.value[1])])),
        ).toEqual({ ledger: 2, tracer: 1 });
        const rolled = await prometheus.query(
          'sum(enclave_rollout_tenants{product="ledger",state=~"done|skipped"})',
        );
        expect(rolled.map((r) => Number(r.value[1]))).toEqual([2]);
        const handled = await prometheus.query(
          'sum(enclave_events_handled_total{service="readiness-aggregator",type="CredentialsIssued",outcome="handled"})',
        );
        expect(Number(handled[0]?.value[1])).toBeGreaterThanOrEqual(3);
      },
      { timeoutMs: 30_000, intervalMs: 1_000 },
    );
  });
});
