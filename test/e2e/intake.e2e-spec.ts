import {
  IntakeReply,
  IntakeRequestInput,
  Topics,
  intakeRepliesTopic,
  intakeRequestsTopic,
  tenantResourceNames,
} from '@enclave/contracts';
import { IntakePublisherClient, IntakeRequestDraft } from '@enclave/tenancy-sdk';
import { expectEventually, recordExercised } from '@enclave/testing';
import { randomUUID } from 'node:crypto';
import { Producer } from 'kafkajs';
import { PlatformHarness } from './support/platform.harness';
import { TenantResources } from './support/tenant-resources';

interface HistoryItem {
  kind: string;
  product: string | null;
  actor: string | null;
  reason: string | null;
}

/**
 * Intake by events, on the real platform and servers: an upstream publisher creates a tenant and
 * registers products only by publishing requests, and gets exactly what an operator gets through the
 * admin API (the same use-cases). Replays act once; what the admin API would refuse is rejected on
 * the publisher's replies topic with the reason, dead-lettered, and makes nothing anywhere.
 */
describe('intake by events', () => {
  const platform = new PlatformHarness({
    env: { INTAKE_PUBLISHERS: 'signup=ledger+tracer,backoffice=ledger' },
  });
  /** ledger (SCHEMA) and tracer (DATABASE), by intake only. */
  const tenant = `in-${platform.runId}`;
  /** tracer fails (its database name is taken), retried through the API. */
  const failing = `if-${platform.runId}`;
  /** Created by backoffice, which then asks for tracer: a foreign product. */
  const foreign = `ix-${platform.runId}`;
  /** Named only by rejected requests. */
  const never = `iz-${platform.runId}`;
  const resources = new TenantResources(platform.infra);
  let signup: IntakePublisherClient;
  let backoffice: IntakePublisherClient;
  let producer: Producer;
  let replies: Awaited<ReturnType<PlatformHarness['collect']>>;
  let backofficeReplies: Awaited<ReturnType<PlatformHarness['collect']>>;
  let tenantCreated: Awaited<ReturnType<PlatformHarness['collect']>>;
  let serviceRegistered: Awaited<ReturnType<PlatformHarness['collect']>>;
  const sent = new Map<string, IntakeReply>();

  // As in INTAKE_PUBLISHERS above: the products each publisher acts for, whose feeds it reads.
  const productsOf: Record<string, string[]> = {
    signup: ['ledger', 'tracer'],
    backoffice: ['ledger'],
  };
  const client = (publisher: string) =>
    new IntakePublisherClient({
      publisher,
      products: productsOf[publisher],
      brokers: platform.infra.kafkaBrokers,
      sasl: platform.kafkaSaslOf(`publisher:${publisher}`),
      topicPrefix: platform.topicPrefix,
      timeoutMs: 60_000,
    });
  /** Publishes through the client and remembers the request and its reply, for the replay. */
  const requests: IntakeRequestDraft[] = [];
  const publish = async (draft: IntakeRequestDraft) => {
    const withId = { ...draft, requestId: draft.requestId ?? randomUUID() } as IntakeRequestDraft;
    requests.push(withId);
    const reply = await signup.publish(withId);
    sent.set(withId.requestId!, reply);
    return reply;
  };
  /** Writes raw bytes onto a publisher's requests topic, as a broken or hostile publisher would. */
  const sendRaw = (value: string, publisher = 'signup') =>
    producer.send({
      topic: platform.topic(intakeRequestsTopic(publisher)),
      messages: [{ key: 'raw', value }],
    });
  const replyTo = (requestId: string) =>
    expectEventually(
      () => {
        const found = [...replies, ...backofficeReplies]
          .map((m) => JSON.parse(m.message.value!.toString()))
          .filter((e) => e.payload.requestId === requestId);
        expect(found.length).toBeGreaterThan(0);
        return found[found.length - 1];
      },
      { timeoutMs: 60_000 },
    );
  const eventsFor = (messages: typeof replies, tenantId: string) =>
    messages
      .map((m) => JSON.parse(m.message.value!.toString()))
      .filter((e) => e.tenantId === tenantId);
  const history = async (tenantId: string): Promise<HistoryItem[]> => {
    const { status, body } = await platform.api('GET', `/v1/tenants/${tenantId}/history?limit=500`);
    expect(status).toBe(200);
    return body.items;
  };
  const waitForTenant = (tenantId: string, status: string) =>
    expectEventually(
      async () => {
        const { body } = await platform.api('GET', `/v1/tenants/${tenantId}`);
        expect(body.status).toBe(status);
        return body;
      },
      { timeoutMs: 120_000, intervalMs: 200 },
    );
  /** Nothing of (tenant, product, mode) on PostgreSQL, MongoDB or RabbitMQ. */
  const expectNothingOnServers = async (
    tenantId: string,
    product: 'ledger' | 'tracer',
    mode: 'SCHEMA' | 'DATABASE',
  ) => {
    const names = tenantResourceNames(tenantId, product, mode);
    expect(await resources.postgres(names)).toEqual({
      roles: 0,
      // SCHEMA mode keeps the product's shared database, which other tenants use.
      databases: mode === 'SCHEMA' ? expect.any(Number) : 0,
      schemas: 0,
      tables: 0,
    });
    expect(await resources.mongoDatabaseExists(names.mongoDatabase)).toBe(false);
    expect(await resources.vhostExists(names.vhost)).toBe(false);
    expect(await resources.rabbitUserExists(names.rabbitUser)).toBe(false);
  };

  beforeAll(async () => {
    await platform.start();
    replies = await platform.collect(intakeRepliesTopic('signup'));
    backofficeReplies = await platform.collect(intakeRepliesTopic('backoffice'));
    tenantCreated = await platform.collect(Topics.TenantCreated);
    serviceRegistered = await platform.collect(Topics.ServiceRegistered);
    signup = client('signup');
    backoffice = client('backoffice');
    await signup.start();
    await backoffice.start();
    producer = platform.kafka.producer();
    await producer.connect();
  }, 300_000);

  afterAll(async () => {
    await signup?.stop();
    await backoffice?.stop();
    await producer?.disconnect();
    await platform.stop();
    await resources.cleanUp([tenant, failing, foreign, never]);
  }, 120_000);

  it('creates a tenant and registers two products by events only, and awaits ServiceReady', async () => {
    const created = await publish({
      kind: 'create-tenant',
      tenant: { id: tenant, displayName: 'Intake Tenant', metadata: { plan: 'pro' } },
    });
    expect(created).toMatchObject({ status: 'accepted', tenantId: tenant });
    const ledger = await publish({
      kind: 'register-service',
      tenantId: tenant,
      registration: { product: 'ledger', isolationMode: 'SCHEMA' },
    });
    const tracer = await publish({
      kind: 'register-service',
      tenantId: tenant,
      registration: { product: 'tracer' },
    });
    expect([ledger, tracer]).toEqual([
      expect.objectContaining({ status: 'accepted', product: 'ledger' }),
      expect.objectContaining({ status: 'accepted', product: 'tracer' }),
    ]);
    const outcomes = await Promise.all([
      signup.awaitOutcome(tenant, 'ledger', { timeoutMs: 120_000 }),
      signup.awaitOutcome(tenant, 'tracer', { timeoutMs: 120_000 }),
    ]);
    expect(outcomes.map((o) => o.state)).toEqual(['ready', 'ready']);
    // The registry mirrors the aggregator's status from its own event, a moment after ServiceReady.
    await platform.waitForState(tenant, 'ledger', 'ready');
    await platform.waitForState(tenant, 'tracer', 'ready');

    // Visible through the admin API exactly as an operator's registration.
    const { status, body } = await platform.api('GET', `/v1/tenants/${tenant}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: tenant,
      displayName: 'Intake Tenant',
      metadata: { plan: 'pro' },
      status: 'active',
    });
    expect(
      body.services.map((s: { product: string; isolationMode: string; state: string }) => [
        s.product,
        s.isolationMode,
        s.state,
      ]),
    ).toEqual([
      ['ledger', 'SCHEMA', 'ready'],
      ['tracer', 'DATABASE', 'ready'],
    ]);
    const names = tenantResourceNames(tenant, 'ledger', 'SCHEMA');
    expect(await resources.postgres(names)).toMatchObject({ roles: 1, schemas: 1 });
    expect(await resources.vhostExists(names.vhost)).toBe(true);
    // The request id follows the flow as its correlation id.
    const [event] = await expectEventually(() => {
      const events = eventsFor(tenantCreated, tenant);
      expect(events).toHaveLength(1);
      return events;
    });
    expect(event).toMatchObject({
      correlationId: created.requestId,
      actor: { kind: 'publisher', name: 'signup' },
    });
  }, 240_000);

  it('rotates and offboards an intake registration through the API, as an operator’s', async () => {
    const rotated = await platform.api(
      'POST',
      `/v1/tenants/${tenant}/services/ledger/credentials/rotate`,
    );
    expect(rotated.status).toBe(202);
    await expectEventually(
      async () => {
        const { body } = await platform.api('GET', `/v1/tenants/${tenant}/services/ledger`);
        expect(body.rotation).toMatchObject({ rotationId: rotated.body.rotationId, state: 'done' });
      },
      { timeoutMs: 90_000, intervalMs: 200 },
    );
    const offboarded = await platform.api('DELETE', `/v1/tenants/${tenant}/services/tracer`);
    expect(offboarded.status).toBe(202);
    await platform.waitForState(tenant, 'tracer', 'deleted', 120_000);
    await expectNothingOnServers(tenant, 'tracer', 'DATABASE');
  }, 240_000);

  it('retries a failed intake registration through the API; the client sees Failed, then Ready', async () => {
    const names = tenantResourceNames(failing, 'tracer', 'DATABASE');
    // Someone else owns the database name the tenant would get: the postgres stage fails for good.
    await resources.createForeignDatabase(names.pgDatabase);
    expect(
      await publish({ kind: 'create-tenant', tenant: { id: failing, displayName: 'Failing' } }),
    ).toMatchObject({ status: 'accepted' });
    expect(
      await publish({
        kind: 'register-service',
        tenantId: failing,
        registration: { product: 'tracer' },
      }),
    ).toMatchObject({ status: 'accepted' });
    const outcome = await signup.awaitOutcome(failing, 'tracer', { timeoutMs: 120_000 });
    expect(outcome).toMatchObject({ state: 'failed', stage: 'postgres' });

    await platform.waitForState(failing, 'tracer', 'failed');
    await resources.dropForeignDatabase(names.pgDatabase);
    const retried = await platform.api('POST', `/v1/tenants/${failing}/services/tracer/retry`);
    expect(retried.status).toBe(202);
    await platform.waitForState(failing, 'tracer', 'ready', 120_000);
  }, 300_000);

  it('acts once on a replayed request, answering it the same way; the same tenant twice is one', async () => {
    const tenantsBefore = await platform.platformQuery<{ n: number }>(
      'SELECT count(*)::int AS n FROM tenant_registry.tenant',
    );
    const registrationsBefore = await platform.platformQuery<{ n: number }>(
      'SELECT count(*)::int AS n FROM tenant_registry.service_registration',
    );
    const createdBefore = eventsFor(tenantCreated, tenant).length;
    const registeredBefore = eventsFor(serviceRegistered, tenant).length;
    expect([createdBefore, registeredBefore]).toEqual([1, 2]);

    // Every request again, same ids: each answered as the first time.
    for (const request of [...requests]) {
      expect(await signup.publish(request)).toEqual(sent.get(request.requestId!));
    }
    // The same tenant under a new request id: accepted, nothing new; with other attributes: refused.
    expect(
      await signup.publish({
        kind: 'create-tenant',
        tenant: { id: tenant, displayName: 'Intake Tenant', metadata: { plan: 'pro' } },
      }),
    ).toMatchObject({ status: 'accepted' });
    expect(
      await signup.publish({
        kind: 'register-service',
        tenantId: tenant,
        registration: { product: 'ledger', isolationMode: 'SCHEMA' },
      }),
    ).toMatchObject({ status: 'accepted' });
    expect(
      await signup.publish({
        kind: 'create-tenant',
        tenant: { id: tenant, displayName: 'Someone Else' },
      }),
    ).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/other attributes/) });
    expect(
      await signup.publish({
        kind: 'register-service',
        tenantId: tenant,
        registration: { product: 'ledger', isolationMode: 'DATABASE' },
      }),
    ).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/SCHEMA mode/) });
    // A request id used again for another request is refused, not acted on.
    const [first] = requests;
    expect(
      await signup.publish({
        kind: 'create-tenant',
        requestId: first.requestId,
        tenant: { id: never, displayName: 'Never' },
      }),
    ).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/already used/) });

    expect(
      await platform.platformQuery('SELECT count(*)::int AS n FROM tenant_registry.tenant'),
    ).toEqual(tenantsBefore);
    expect(
      await platform.platformQuery(
        'SELECT count(*)::int AS n FROM tenant_registry.service_registration',
      ),
    ).toEqual(registrationsBefore);
    expect(eventsFor(tenantCreated, tenant)).toHaveLength(createdBefore);
    expect(eventsFor(serviceRegistered, tenant)).toHaveLength(registeredBefore);
  }, 180_000);

  it('rejects malformed, oversized and foreign-product requests with a reason, dead-letters them, and makes nothing', async () => {
    const invalidId = randomUUID();
    const oversizedId = randomUUID();
    const foreignId = randomUUID();
    // Not JSON: nothing to answer by, dead-lettered only.
    await sendRaw('{"kind": "create-tenant", "requestId": ');
    // JSON, but not a request the admin API would take (an unknown field).
    await sendRaw(
      JSON.stringify({
        kind: 'register-service',
        requestId: invalidId,
        publisher: 'signup',
        tenantId: never,
        registration: { product: 'ledger', secretPath: `tenants/${tenant}/ledger/postgres` },
      } satisfies Record<string, unknown>),
    );
    // Larger than API_BODY_LIMIT (16kb), as the admin API's 413.
    await sendRaw(
      JSON.stringify({
        kind: 'create-tenant',
        requestId: oversizedId,
        publisher: 'signup',
        tenant: { id: never, displayName: 'x'.repeat(20_000) },
      }),
    );
    expect((await replyTo(invalidId)).payload).toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(/^invalid request: registration: Unrecognized key.*secretPath/),
      tenantId: never,
    });
    expect((await replyTo(oversizedId)).payload).toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(/^request too large: \d+ bytes, at most 16384$/),
    });

    // backoffice may act for ledger only.
    expect(
      await backoffice.publish({
        kind: 'create-tenant',
        tenant: { id: foreign, displayName: 'Back office tenant' },
      }),
    ).toMatchObject({ status: 'accepted' });
    const foreignReply = await backoffice.publish({
      kind: 'register-service',
      requestId: foreignId,
      tenantId: foreign,
      registration: { product: 'tracer' },
    });
    expect(foreignReply).toEqual({
      requestId: foreignId,
      status: 'rejected',
      reason: 'foreign product: publisher backoffice may not act for tracer',
      tenantId: foreign,
      product: 'tracer',
    });
    // A request naming another publisher than its topic's is refused too.
    const spoofId = randomUUID();
    await sendRaw(
      JSON.stringify({
        kind: 'register-service',
        requestId: spoofId,
        publisher: 'signup',
        tenantId: foreign,
        registration: { product: 'tracer' },
      } satisfies IntakeRequestInput),
      'backoffice',
    );
    expect((await replyTo(spoofId)).payload).toEqual({
      requestId: spoofId,
      status: 'rejected',
      reason: "publisher 'signup' does not match the topic's publisher 'backoffice'",
      tenantId: foreign,
      product: 'tracer',
    });
    // Nor may backoffice offboard a tenant using a product it may not act for.
    const offboardForeign = await backoffice.publish({
      kind: 'offboard-tenant',
      tenantId: failing,
    });
    expect(offboardForeign).toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(
        /^foreign product: publisher backoffice may not act for tracer/,
      ),
    });

    // Each one dead-lettered with its cause, for the dead-letter API.
    const letters = await expectEventually(
      async () => {
        const signupLetters = await platform.api(
          'GET',
          `/v1/dead-letters?topic=${intakeRequestsTopic('signup')}`,
        );
        const backofficeLetters = await platform.api(
          'GET',
          `/v1/dead-letters?topic=${intakeRequestsTopic('backoffice')}`,
        );
        const causes = [...signupLetters.body.items, ...backofficeLetters.body.items].map(
          (l: { cause: string }) => l.cause,
        );
        expect(causes).toEqual(
          expect.arrayContaining([
            expect.stringMatching(/^malformed JSON/),
            expect.stringMatching(/^invalid request: registration: Unrecognized key/),
            expect.stringMatching(/^request too large/),
            'foreign product: publisher backoffice may not act for tracer',
            "publisher 'signup' does not match the topic's publisher 'backoffice'",
            expect.stringMatching(/^foreign product: publisher backoffice may not act for tracer,/),
          ]),
        );
        return [...signupLetters.body.items, ...backofficeLetters.body.items];
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(letters[0]).toMatchObject({
      error: 'IntakeRejectedError',
      consumerGroup: `${platform.topicPrefix}enclave.tenant-registry.intake`,
    });

    // Nothing was made for any of them, on any server.
    expect((await platform.api('GET', `/v1/tenants/${never}`)).status).toBe(404);
    expect((await platform.api('GET', `/v1/tenants/${foreign}/services`)).body).toEqual([]);
    for (const tenantId of [never, foreign]) {
      await expectNothingOnServers(tenantId, 'ledger', 'SCHEMA');
      await expectNothingOnServers(tenantId, 'tracer', 'DATABASE');
    }
    expect((await platform.api('GET', `/v1/tenants/${failing}`)).body.status).toBe('active');
    recordExercised('Kafka', 'intake requests, replies and dead letters');
  }, 180_000);

  it('suspends, resumes and offboards the whole tenant by events; the history names the publisher', async () => {
    expect(
      await publish({ kind: 'suspend-tenant', tenantId: tenant, suspension: { reason: 'unpaid' } }),
    ).toMatchObject({ status: 'accepted' });
    expect((await platform.api('GET', `/v1/tenants/${tenant}`)).body).toMatchObject({
      status: 'suspended',
      statusReason: 'unpaid',
    });
    expect(await publish({ kind: 'resume-tenant', tenantId: tenant })).toMatchObject({
      status: 'accepted',
    });
    expect(
      await publish({
        kind: 'offboard-tenant',
        tenantId: tenant,
        offboarding: { reason: 'churned' },
      }),
    ).toMatchObject({ status: 'accepted' });
    await waitForTenant(tenant, 'deleted');
    await expectNothingOnServers(tenant, 'ledger', 'SCHEMA');

    const items = await expectEventually(
      async () => {
        const all = await history(tenant);
        expect(all.map((i) => i.kind)).toContain('TenantOffboarded');
        return all;
      },
      { timeoutMs: 60_000, intervalMs: 300 },
    );
    const by = (kind: string, product: string | null = null) =>
      items
        .filter((i) => i.kind === kind && (product === null || i.product === product))
        .map((i) => i.actor);
    expect(by('TenantCreated')).toEqual(['publisher:signup']);
    expect(by('ServiceRegistered', 'ledger')).toEqual(['publisher:signup']);
    expect(by('ServiceRegistered', 'tracer')).toEqual(['publisher:signup']);
    expect(by('ServiceReady', 'ledger')).toEqual(['publisher:signup']);
    expect(by('CredentialsRotationRequested', 'ledger')).toEqual(['operator:bootstrap']);
    expect(by('ServiceDeprovisionRequested', 'tracer')).toEqual(['operator:bootstrap']);
    expect(by('TenantSuspended')).toEqual(['publisher:signup']);
    expect(by('TenantResumed')).toEqual(['publisher:signup']);
    expect(by('ServiceDeprovisionRequested', 'ledger')).toEqual(['publisher:signup']);
    expect(by('TenantOffboarded')).toEqual(['publisher:signup']);
    // The rejected requests about an existing tenant, once each (replays included), with who and why.
    const rejected = (entries: HistoryItem[]) =>
      entries.filter((i) => i.kind === 'IntakeRejected').map((i) => [i.actor, i.product, i.reason]);
    expect(rejected(items)).toEqual([
      ['publisher:signup', null, expect.stringMatching(/already exists with other attributes/)],
      ['publisher:signup', 'ledger', expect.stringMatching(/already registered .* in SCHEMA mode/)],
    ]);
    expect(rejected(await history(foreign))).toEqual([
      [
        'publisher:backoffice',
        'tracer',
        'foreign product: publisher backoffice may not act for tracer',
      ],
      [
        'publisher:backoffice',
        'tracer',
        "publisher 'signup' does not match the topic's publisher 'backoffice'",
      ],
    ]);
    expect(rejected(await history(failing))).toEqual([
      [
        'publisher:backoffice',
        null,
        `foreign product: publisher backoffice may not act for tracer, which tenant ${failing} uses`,
      ],
    ]);
  }, 300_000);
});
