import {
  BrokerProvisioned,
  CredentialsRotationRequested,
  EventDefinition,
  CredentialsIssued,
  EventEnvelope,
  MigrationsApplied,
  MongoProvisioned,
  PostgresProvisioned,
  ServiceRegistered,
  Topics,
  deadLetterTopicOf,
  platformEventCatalog,
  registryOrderPath,
  tenantResourceNames,
} from '@enclave/contracts';
import { EmbeddedSecretStore, EncryptionKeyRing } from '@enclave/secret-store';
import {
  CollectedMessage,
  ServiceProcess,
  TestDatabase,
  collectTopic,
  createTestDatabase,
  expectEventually,
  randomPortSlot,
  testInfra,
  testKafka,
  kafkaEnv,
} from '@enclave/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { Partitioners, Producer } from 'kafkajs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

type Payload = Record<string, unknown>;

const FIXTURE = 'test/integration/credential-rotation/fixtures/isolated-app.main.ts';

/**
 * A rotation end to end on real Kafka and PostgreSQL: the credential-service and the
 * readiness-aggregator run as processes (in consumer groups of this run's own); this test plays the
 * tenant-registry and the provisioners.
 */
describe('credential rotation over Kafka', () => {
  const infra = testInfra();
  const kafka = testKafka(infra.kafkaBrokers);
  const prefix = `it-rot-${randomBytes(3).toString('hex')}.`;
  const encryptionKey = randomBytes(32).toString('base64');
  // The aggregator's status view is for operators (the credential-service ignores it).
  const adminToken = randomBytes(24).toString('hex');
  const basePort = randomPortSlot();
  const aggregatorBase = `http://127.0.0.1:${basePort + 1}`;
  const tenantId = `it-${randomBytes(4).toString('hex')}`;
  const registration = {
    tenantId,
    registrationId: randomUUID(),
    product: 'ledger',
    isolationMode: 'SCHEMA' as const,
  };
  const names = tenantResourceNames(tenantId, 'ledger', 'SCHEMA');
  const topics = [
    Topics.CredentialsIssued,
    Topics.CredentialsRotated,
    Topics.ServiceReady,
    Topics.StageFailed,
    deadLetterTopicOf(Topics.CredentialsRotationRequested),
  ];
  let db: TestDatabase;
  let apps: ServiceProcess[] = [];
  let producer: Producer;
  let wire: { messages: CollectedMessage[]; stop(): Promise<void> };

  const send = async <P>(def: EventDefinition<string, P>, payload: P, causationId?: string) => {
    const event = platformEventCatalog.envelope(def, payload, {
      tenantId,
      producer: 'integration-test',
      causationId: causationId ?? null,
    });
    await producer.send({
      topic: `${prefix}${def.topic}`,
      messages: [{ key: def.partitionKey(payload), value: JSON.stringify(event) }],
    });
    return event;
  };

  const on = (logical: string) => wire.messages.filter((m) => m.topic === `${prefix}${logical}`);
  const eventsOn = (logical: string, registrationId = registration.registrationId) =>
    on(logical)
      .map((m) => JSON.parse(m.message.value!.toString()) as EventEnvelope<Payload>)
      .filter((e) => e.payload.registrationId === registrationId);

  /** Everything published on a topic so far, once the collector has read up to its end. */
  const allOn = async (logical: string, registrationId = registration.registrationId) => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(`${prefix}${logical}`);
      const published = offsets.reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0);
      await expectEventually(() => expect(on(logical)).toHaveLength(published));
      return eventsOn(logical, registrationId);
    } finally {
      await admin.disconnect();
    }
  };

  const query = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  };

  /** What the registry writes to the vault with every rotation it asks for (checked before rotating). */
  const ordered = async (tenantId: string, registrationId: string, rotationId: string) => {
    const dataSource = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    try {
      const vault = new EmbeddedSecretStore(
        dataSource,
        EncryptionKeyRing.fromConfig(encryptionKey),
      );
      await vault.put(registryOrderPath(tenantId, registration.product, 'rotation'), {
        registrationId,
        rotationId,
      });
    } finally {
      await dataSource.destroy();
    }
  };

  /** Every given event was handled by the aggregator and whatever it published is out. */
  const aggregatorSettled = (events: EventEnvelope[]) =>
    expectEventually(async () => {
      const rows = await query<{ event_id: string }>(
        'SELECT event_id FROM readiness_aggregator.processed_event WHERE event_id = ANY($1)',
        [events.map((e) => e.id)],
      );
      expect(rows).toHaveLength(events.length);
      const [{ n }] = await query<{ n: number }>(
        'SELECT count(*)::int AS n FROM readiness_aggregator.outbox',
      );
      expect(n).toBe(0);
    });

  const rotationView = async () => {
    const response = await fetch(
      `${aggregatorBase}/v1/registrations/${registration.registrationId}`,
      { headers: { authorization: `Bearer ${adminToken}` } },
    );
    expect(response.status).toBe(200);
    return ((await response.json()) as { rotation: unknown }).rotation;
  };

  /** What the three provisioners publish after applying the CredentialsIssued `issued`. */
  const provisionedBy = (issued: EventEnvelope) => {
    const cause = issued.id;
    const { rotationId } = CredentialsIssued.schema.parse(issued.payload);
    return {
      postgres: () =>
        send(
          PostgresProvisioned,
          {
            ...registration,
            database: names.pgDatabase,
            schema: names.pgSchema,
            role: names.pgRole,
            credentials: { path: names.secretPath('postgres'), version: 1 },
            rotationId,
            productVersion: '1.0.0',
          },
          cause,
        ),
      mongodb: () =>
        send(
          MongoProvisioned,
          {
            ...registration,
            database: names.mongoDatabase,
            user: names.mongoUser,
            userManagement: 'enforced',
            collections: 2,
            rotationId,
          },
          cause,
        ),
      rabbitmq: () =>
        send(
          BrokerProvisioned,
          {
            ...registration,
            vhost: names.vhost,
            user: names.rabbitUser,
            rotationId,
            isolation: 'VHOST',
            prefix: null,
          },
          cause,
        ),
    };
  };

  beforeAll(async () => {
    db = await createTestDatabase(infra.pgAdminUrl, 'rotation_kafka');
    const env = (port: number) => ({
      HTTP_PORT: String(port),
      LOG_LEVEL: 'warn',
      DATABASE_URL: db.url,
      DATABASE_POOL_SIZE: '4',
      ...kafkaEnv(infra),
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '3',
      SECRET_STORE: 'embedded',
      SECRETS_ENCRYPTION_KEY: encryptionKey,
      ADMIN_API_TOKEN: adminToken,
    });
    apps = (['credential-service', 'readiness-aggregator'] as const).map(
      (app, i) =>
        new ServiceProcess(FIXTURE, {
          ...env(basePort + i),
          FIXTURE_APP: app,
          FIXTURE_GROUP: `${prefix}${app}`,
        }),
    );
    apps.forEach((app) => app.start());
    await apps[0].waitForHttp(`http://127.0.0.1:${basePort}/health/ready`, 90_000);
    await apps[1].waitForHttp(`${aggregatorBase}/health/ready`, 90_000);
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    wire = await collectTopic(
      kafka,
      topics.map((t) => `${prefix}${t}`),
    );
  }, 120_000);

  afterAll(async () => {
    await wire?.stop();
    await producer?.disconnect();
    await Promise.all(apps.map((app) => app.stop()));
    await db?.drop();
  });

  it('announces CredentialsRotated once, after every stage re-applied the rotated credentials', async () => {
    // The registry registers the product; the credential-service issues first credentials.
    await send(ServiceRegistered, {
      ...registration,
      productVersion: '1.0.0',
      resources: ['postgres', 'mongodb', 'rabbitmq'],
    });
    const first = await expectEventually(() => {
      const [issued] = eventsOn(Topics.CredentialsIssued);
      expect(issued).toBeDefined();
      return issued;
    });
    expect(first).toMatchObject({
      version: CredentialsIssued.version,
      payload: { rotationId: null, productVersion: '1.0.0' },
    });

    // The provisioners apply them and the migrations run: Ready.
    const original = provisionedBy(first);
    const pg = await original.postgres();
    await original.mongodb();
    await original.rabbitmq();
    await send(MigrationsApplied, { ...registration, schemaVersion: 3, applied: ['x'] }, pg.id);
    await expectEventually(() => expect(eventsOn(Topics.ServiceReady)).toHaveLength(1), {
      timeoutMs: 30_000,
    });

    // The registry asks for a rotation; the request is delivered twice (two envelopes).
    const rotationId = randomUUID();
    const request = { ...registration, rotationId, productVersion: '1.0.0' };
    await ordered(registration.tenantId, registration.registrationId, rotationId);
    await send(CredentialsRotationRequested, request);
    await send(CredentialsRotationRequested, request);
    const reissued = await expectEventually(() => {
      const found = eventsOn(Topics.CredentialsIssued).filter(
        (e) => e.payload.rotationId === rotationId,
      );
      expect(found).toHaveLength(2);
      return found;
    });
    const rotatedRefs = {
      postgres: { path: names.secretPath('postgres'), version: 2 },
      mongodb: { path: names.secretPath('mongodb'), version: 2 },
      rabbitmq: { path: names.secretPath('rabbitmq'), version: 2 },
    };
    for (const e of reissued) expect(e.payload.credentials).toEqual(rotatedRefs);

    // No secret on the wire: neither the first passwords nor the rotated ones.
    const dataSource = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    try {
      const vault = new EmbeddedSecretStore(
        dataSource,
        EncryptionKeyRing.fromConfig(encryptionKey),
      );
      for (const resource of ['postgres', 'mongodb', 'rabbitmq'] as const) {
        const path = names.secretPath(resource);
        expect((await vault.find(path))!.ref.version).toBe(2); // rotated once, not twice
        for (const version of [1, 2]) {
          const { password } = (await vault.get(path, version)).data;
          for (const m of wire.messages)
            expect(m.message.value!.toString()).not.toContain(password);
        }
      }
    } finally {
      await dataSource.destroy();
    }

    // The provisioners re-apply: PostgreSQL and MongoDB first, plus an event that must not count.
    const rotation = provisionedBy(reissued[0]);
    const noise = [
      await rotation.postgres(),
      await rotation.mongodb(),
      await original.rabbitmq(), // a late event of the original provisioning (no rotationId)
    ];
    await aggregatorSettled(noise);
    expect(await allOn(Topics.CredentialsRotated)).toHaveLength(0);
    expect(await rotationView()).toMatchObject({
      rotationId,
      state: 'pending',
      awaiting: ['rabbitmq'],
    });

    // RabbitMQ re-applies (answering the repeated CredentialsIssued: the same rotation, the same
    // vault versions), then a duplicate report: CredentialsRotated once.
    const last = await provisionedBy(reissued[1]).rabbitmq();
    const duplicate = await rotation.rabbitmq();
    await aggregatorSettled([last, duplicate]);
    const [rotated, ...more] = await allOn(Topics.CredentialsRotated);
    expect(more).toHaveLength(0);
    expect(rotated).toMatchObject({
      causationId: last.id,
      payload: { ...registration, rotationId, credentials: rotatedRefs },
    });
    expect(await rotationView()).toMatchObject({ rotationId, state: 'done', awaiting: [] });
    expect(await allOn(Topics.StageFailed)).toHaveLength(0);
  }, 120_000);

  it('dead-letters a rotation request for a registration without credentials, with the cause', async () => {
    const stranger = { ...registration, tenantId: `it-${randomBytes(4).toString('hex')}` };
    stranger.registrationId = randomUUID();
    const rotationId = randomUUID();
    await ordered(stranger.tenantId, stranger.registrationId, rotationId);
    const request = await send(CredentialsRotationRequested, {
      ...stranger,
      rotationId,
      productVersion: '1.0.0',
    });

    const letter = await expectEventually(
      () => {
        const found = on(deadLetterTopicOf(Topics.CredentialsRotationRequested)).find(
          (m) => m.message.value!.toString() === JSON.stringify(request),
        );
        expect(found).toBeDefined();
        return found!;
      },
      { timeoutMs: 30_000 },
    );
    const headers = Object.fromEntries(
      Object.entries(letter.message.headers ?? {}).map(([k, v]) => [k, String(v)]),
    );
    expect(headers).toMatchObject({
      'x-dlq-error': 'NoCredentialsToRotateError',
      'x-dlq-attempts': '1',
      'x-dlq-consumer-group': `${prefix}credential-service`,
      'x-dlq-source-topic': `${prefix}${Topics.CredentialsRotationRequested}`,
    });
    expect(headers['x-dlq-reason']).toContain(rotationId);
    // Not a failed stage: no StageFailed, and nothing issued.
    const [{ n }] = await query<{ n: number }>(
      'SELECT count(*)::int AS n FROM credential_service.outbox',
    );
    expect(n).toBe(0);
    expect(await allOn(Topics.StageFailed, stranger.registrationId)).toHaveLength(0);
    expect(await allOn(Topics.CredentialsIssued, stranger.registrationId)).toHaveLength(0);
  }, 60_000);

  it('dead-letters a rotation request the registry did not order, with the cause, rotating nothing', async () => {
    const rotationId = randomUUID();
    const versionsBefore = await query<{ path: string; n: number }>(
      `SELECT path, count(*)::int AS n FROM enclave_vault.secret_version WHERE path LIKE $1 GROUP BY path ORDER BY path`,
      [`tenants/${registration.tenantId}/%`],
    );
    // Forged: a well-formed request for a ready registration, but not the registry's last order.
    const request = await send(CredentialsRotationRequested, {
      ...registration,
      rotationId,
      productVersion: '1.0.0',
    });

    const letter = await expectEventually(
      () => {
        const found = on(deadLetterTopicOf(Topics.CredentialsRotationRequested)).find(
          (m) => m.message.value!.toString() === JSON.stringify(request),
        );
        expect(found).toBeDefined();
        return found!;
      },
      { timeoutMs: 30_000 },
    );
    const headers = Object.fromEntries(
      Object.entries(letter.message.headers ?? {}).map(([k, v]) => [k, String(v)]),
    );
    expect(headers['x-dlq-error']).toBe('RefusedEventError');
    expect(headers['x-dlq-reason']).toMatch(new RegExp(`rotation ${rotationId} .* refused`));
    expect(
      await query(
        `SELECT path, count(*)::int AS n FROM enclave_vault.secret_version WHERE path LIKE $1 GROUP BY path ORDER BY path`,
        [`tenants/${registration.tenantId}/%`],
      ),
    ).toEqual(versionsBefore);
    expect(
      eventsOn(Topics.CredentialsIssued).filter((e) => e.payload.rotationId === rotationId),
    ).toHaveLength(0);
  }, 60_000);
});
