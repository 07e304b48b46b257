// Writes the Grafana dashboards docker-compose provisions (deploy/grafana/dashboards): one per
// platform app (from scripts/platform-apps.json) and one for products (a `product` variable).
// test/e2e/metrics.e2e-spec.ts runs every query of every dashboard against a real Prometheus.
// Run: npm run docs:dashboards
import fs from 'node:fs';
import path from 'node:path';
import platformApps from '../platform-apps.json';

interface Panel {
  readonly title: string;
  readonly expr: string;
  readonly unit?: string;
  readonly legend?: string;
}

const dir = path.resolve(__dirname, '../../deploy/grafana/dashboards');

function appPanels(app: string): Panel[] {
  const s = `service="${app}"`;
  const panels: Panel[] = [
    { title: 'Up', expr: `up{job="${app}"}`, legend: '{{instance}}' },
    {
      title: 'Events handled per second, by type and outcome',
      expr: `sum by (type, outcome) (rate(enclave_events_handled_total{${s}}[1m]))`,
      unit: 'ops',
      legend: '{{type}} {{outcome}}',
    },
    {
      title: 'Handler duration p95, by type',
      expr: `histogram_quantile(0.95, sum by (le, type) (rate(enclave_event_handler_duration_seconds_bucket{${s}}[5m])))`,
      unit: 's',
      legend: '{{type}}',
    },
    {
      title: 'Consumer lag, by topic',
      expr: `sum by (topic) (enclave_consumer_lag{${s}})`,
      legend: '{{topic}}',
    },
    { title: 'Outbox backlog', expr: `enclave_outbox_backlog{${s}}` },
    {
      title: 'Oldest outbox event age',
      expr: `enclave_outbox_oldest_age_seconds{${s}}`,
      unit: 's',
    },
    {
      title: 'Dead letters in the last hour, by source topic',
      expr: `sum by (topic) (increase(enclave_dead_letters_total{${s}}[1h]))`,
      legend: '{{topic}}',
    },
    { title: 'Resident memory', expr: `process_resident_memory_bytes{${s}}`, unit: 'bytes' },
    { title: 'CPU', expr: `rate(process_cpu_seconds_total{${s}}[1m])`, unit: 'percentunit' },
  ];
  if (app === 'readiness-aggregator')
    panels.push(
      {
        title: 'Registrations by product and state',
        expr: 'sum by (product, state) (enclave_registrations)',
        legend: '{{product}} {{state}}',
      },
      {
        title: 'Registration → Ready p95, by product',
        expr: 'histogram_quantile(0.95, sum by (le, product) (rate(enclave_provisioning_duration_seconds_bucket[5m])))',
        unit: 's',
        legend: 'p95 {{product}}',
      },
    );
  if (app === 'tenant-registry')
    panels.push({
      title: 'Latest rollout per product, tenants by state',
      expr: 'sum by (product, target_version, state) (enclave_rollout_tenants)',
      legend: '{{product}} {{target_version}} {{state}}',
    });
  return panels;
}

const productPanels: Panel[] = [
  {
    title: 'Registrations by state',
    expr: 'sum by (state) (enclave_registrations{product="$product"})',
    legend: '{{state}}',
  },
  {
    title: 'Registration → Ready p50',
    expr: 'histogram_quantile(0.5, sum by (le, isolation_mode) (rate(enclave_provisioning_duration_seconds_bucket{product="$product"}[5m])))',
    unit: 's',
    legend: '{{isolation_mode}}',
  },
  {
    title: 'Registration → Ready p95',
    expr: 'histogram_quantile(0.95, sum by (le, isolation_mode) (rate(enclave_provisioning_duration_seconds_bucket{product="$product"}[5m])))',
    unit: 's',
    legend: '{{isolation_mode}}',
  },
  {
    title: 'Stage completion p95 (from registration), by stage',
    expr: 'histogram_quantile(0.95, sum by (le, stage) (rate(enclave_stage_duration_seconds_bucket{product="$product"}[5m])))',
    unit: 's',
    legend: '{{stage}}',
  },
  {
    title: 'Latest rollout, tenants by state',
    expr: 'sum by (target_version, state) (enclave_rollout_tenants{product="$product"})',
    legend: '{{target_version}} {{state}}',
  },
];

function dashboard(uid: string, title: string, panels: Panel[], variables: object[] = []) {
  return {
    uid,
    title,
    tags: ['enclave'],
    schemaVersion: 39,
    time: { from: 'now-1h', to: 'now' },
    refresh: '10s',
    templating: { list: variables },
    panels: panels.map((p, i) => ({
      id: i + 1,
      type: 'timeseries',
      title: p.title,
      gridPos: { x: (i % 2) * 12, y: Math.floor(i / 2) * 8, w: 12, h: 8 },
      datasource: { type: 'prometheus', uid: 'prometheus' },
      fieldConfig: { defaults: { unit: p.unit ?? 'short' }, overrides: [] },
      targets: [{ refId: 'A', expr: p.expr, legendFormat: p.legend ?? '__auto' }],
    })),
  };
}

fs.mkdirSync(dir, { recursive: true });
for (const { name } of platformApps)
  fs.writeFileSync(
    path.join(dir, `${name}.json`),
    `${JSON.stringify(dashboard(`enclave-${name}`, `Enclave · ${name}`, appPanels(name)), null, 2)}\n`,
  );
fs.writeFileSync(
  path.join(dir, 'products.json'),
  `${JSON.stringify(
    dashboard('enclave-products', 'Enclave · product', productPanels, [
      {
        name: 'product',
        type: 'query',
        datasource: { type: 'prometheus', uid: 'prometheus' },
        query: 'label_values(enclave_registrations, product)',
        refresh: 2,
      },
    ]),
    null,
    2,
  )}\n`,
);
console.log(`wrote ${platformApps.length + 1} dashboards to ${path.relative(process.cwd(), dir)}`);
