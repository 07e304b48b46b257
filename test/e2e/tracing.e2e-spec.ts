import { expectEventually, randomPortSlot } from '@enclave/testing';
import { OtlpReceiver, ReceivedSpan, SpanKinds } from './support/otlp-receiver';
import { APPS, PlatformHarness } from './support/platform.harness';
import { TenantCredentials } from './support/tenant-credentials';
import { TenantResources } from './support/tenant-resources';

jest.setTimeout(240_000);

// The events of a registration's provisioning, before the aggregator declares it ready.
const STAGE_EVENTS = [
  'ServiceRegistered',
  'CredentialsIssued',
  'PostgresProvisioned',
  'MigrationsApplied',
  'MongoProvisioned',
  'BrokerProvisioned',
];

/**
 * OpenTelemetry across the choreography: with OTEL_TRACES_EXPORTER=otlp every app exports to an
 * OTLP/HTTP receiver started here, and one registration is one trace, from the admin API call through
 * every stage (the trace context rides in the outbox and in Kafka headers) to ServiceReady.
 */
describe('tracing', () => {
  const slot = randomPortSlot();
  // +7 of the slot is the test's own (the apps take +0..+6).
  const receiver = new OtlpReceiver(slot + 7);
  const platform = new PlatformHarness({
    basePort: slot,
    env: {
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${slot + 7}/v1/traces`,
      OTEL_BSP_SCHEDULE_DELAY: '200',
    },
  });
  const resources = new TenantResources(platform.infra);
  const tenant = `tr-${platform.runId}`;
  let credentials: TenantCredentials;

  beforeAll(async () => {
    await receiver.start();
    await platform.start();
    credentials = new TenantCredentials(platform.db.url, platform.encryptionKeyForTests);
  }, 400_000);

  afterAll(async () => {
    await platform.stop();
    await receiver.stop();
    await resources.cleanUp([tenant]);
    await credentials?.close();
  }, 60_000);

  it('one registration is one trace, from the admin call through every app to ServiceReady', async () => {
    expect(
      (await platform.api('POST', '/v1/tenants', { id: tenant, displayName: 'Traced' })).status,
    ).toBe(201);
    const registered = await platform.api('POST', `/v1/tenants/${tenant}/services`, {
      product: 'ledger',
    });
    expect(registered.status).toBe(202);
    await platform.waitForState(tenant, 'ledger', 'ready', 120_000);

    const path = `/v1/tenants/${tenant}/services`;
    const { root, spans } = await expectEventually(
      () => {
        // The admin call: tenant-registry's HTTP server span, the root of the trace.
        const root = receiver.spans.find(
          (s) =>
            s.service === 'tenant-registry' &&
            s.kind === SpanKinds.SERVER &&
            String(s.attributes['url.path'] ?? s.attributes['http.target'] ?? '') === path &&
            (s.attributes['http.request.method'] ?? s.attributes['http.method']) === 'POST',
        );
        expect(root).toBeDefined();
        expect(root!.name).toBe('POST /v1/tenants/:tenantId/services');
        expect(root!.parentSpanId).toBeUndefined();
        const spans = receiver.spans.filter((s) => s.traceId === root!.traceId);
        const names = spans.map((s) => s.name);
        expect(names).toContain('ServiceReady publish');
        // Spans from every platform app under that one trace id.
        expect([...new Set(spans.map((s) => s.service))].sort()).toEqual([...APPS].sort());
        // Every span's parent arrived: the trace is one tree hanging from the admin call.
        const ids = new Set(spans.map((s) => s.spanId));
        for (const s of spans) {
          if (s !== root)
            expect(`${s.service} ${s.name} parent ${ids.has(s.parentSpanId!)}`).toBe(
              `${s.service} ${s.name} parent true`,
            );
        }
        return { root: root!, spans };
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const ancestors = (span: ReceivedSpan): ReceivedSpan[] => {
      const chain: ReceivedSpan[] = [];
      for (let p = span.parentSpanId; p; p = byId.get(p)?.parentSpanId) chain.push(byId.get(p)!);
      return chain;
    };

    // Every event of this registration (its correlation id) was published and handled in this trace.
    const publications = spans.filter((s) => s.kind === SpanKinds.PRODUCER);
    const registeredSpan = publications.find((s) => s.name === 'ServiceRegistered publish')!;
    expect(registeredSpan.service).toBe('tenant-registry');
    expect(ancestors(registeredSpan)).toContain(root);
    const correlationId = registeredSpan.attributes['enclave.correlation_id'];
    const elsewhere = receiver.spans.filter(
      (s) => s.attributes['enclave.correlation_id'] === correlationId && s.traceId !== root.traceId,
    );
    expect(elsewhere.map((s) => `${s.service} ${s.name}`)).toEqual([]);

    // Causal order: each handling is a child of the publication of the event it consumed, and
    // starts after it.
    const consumptions = spans.filter((s) => s.kind === SpanKinds.CONSUMER);
    for (const type of STAGE_EVENTS) {
      expect(consumptions.map((s) => s.name)).toContain(`${type} process`);
    }
    for (const consumed of consumptions) {
      const parent = byId.get(consumed.parentSpanId!)!;
      expect(`${consumed.service} ${consumed.name} ← ${parent.service} ${parent.name}`).toBe(
        `${consumed.service} ${consumed.name} ← ${parent.service} ${consumed.name.replace(' process', ' publish')}`,
      );
      expect(parent.kind).toBe(SpanKinds.PRODUCER);
      expect(parent.attributes['messaging.message.id']).toBe(
        consumed.attributes['messaging.message.id'],
      );
      expect(consumed.start).toBeGreaterThanOrEqual(parent.start);
      expect(consumed.attributes['enclave.tenant_id']).toBe(tenant);
      expect(consumed.attributes['enclave.correlation_id']).toBe(correlationId);
    }

    // ServiceReady comes last: published after every stage's event, at the end of a chain of
    // publications and handlings that goes back through the stages to the admin call.
    const ready = publications.find((s) => s.name === 'ServiceReady publish')!;
    expect(ready.service).toBe('readiness-aggregator');
    for (const stage of publications.filter((s) =>
      STAGE_EVENTS.includes(s.name.replace(' publish', '')),
    )) {
      expect(ready.start).toBeGreaterThanOrEqual(stage.start);
    }
    const chain = ancestors(ready).map((s) => `${s.service} ${s.name}`);
    expect(chain[chain.length - 1]).toBe(`tenant-registry ${root.name}`);
    expect(chain).toEqual(
      expect.arrayContaining([
        'tenant-registry ServiceRegistered publish',
        'credential-service ServiceRegistered process',
        'credential-service CredentialsIssued publish',
      ]),
    );

    // Client spans for the database, MongoDB and RabbitMQ (its management API) calls the stages make.
    const clients = spans.filter((s) => s.kind === SpanKinds.CLIENT);
    const pg = clients.filter((s) => s.attributes['db.system.name'] === 'postgresql');
    expect(new Set(pg.map((s) => s.service))).toEqual(new Set(APPS));
    expect(
      clients.some(
        (s) => s.service === 'mongo-provisioner' && s.attributes['db.system.name'] === 'mongodb',
      ),
    ).toBe(true);
    const mgmt = new URL(platform.infra.rabbitmqMgmtUrl).host;
    expect(
      clients.some(
        (s) =>
          s.service === 'broker-provisioner' &&
          String(s.attributes['url.full'] ?? '').includes(`${mgmt}/api/vhosts/`),
      ),
    ).toBe(true);

    // Polls make no traces: no health probe or scrape span, and no database call outside a trace
    // (the outbox relay polls every second).
    expect(
      receiver.spans.filter((s) =>
        /^\/(health|metrics)/.test(
          String(s.attributes['url.path'] ?? s.attributes['http.target'] ?? ''),
        ),
      ),
    ).toEqual([]);
    expect(
      receiver.spans
        .filter((s) => s.kind === SpanKinds.CLIENT && !s.parentSpanId)
        .map((s) => `${s.service} ${s.name}`),
    ).toEqual([]);

    // No secret leaves in a span: the role's CREATE statement is recorded with its password masked,
    // and no tenant password from the vault appears anywhere in what was exported.
    const roleStatements = pg
      .map((s) => String(s.attributes['db.query.text'] ?? ''))
      .filter((text) => /\b(CREATE|ALTER) ROLE\b/i.test(text) && /PASSWORD/i.test(text));
    expect(roleStatements.length).toBeGreaterThan(0);
    for (const text of roleStatements) expect(text).toMatch(/PASSWORD '\*\*\*'/);
    const exported = receiver.bodies.join('\n');
    expect(exported).not.toMatch(/PASSWORD\s+E?'(?!\*\*\*')/i);
    const passwords = await credentials.allPasswords();
    expect(passwords.length).toBeGreaterThan(0);
    for (const password of passwords) expect(exported.includes(password)).toBe(false);
  });
});
