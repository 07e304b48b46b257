import {
  BrokerProvisioned,
  CredentialsIssued,
  CredentialsIssuedPayload,
  EventDefinition,
  EventEnvelope,
  MigrationsApplied,
  MongoProvisioned,
  PlatformEvents,
  PostgresProvisioned,
  ServiceRegistered,
  StageFailed,
  platformEventCatalog,
  tenantResourceNames,
} from '@enclave/contracts';
import { EventContext, OutboxWriter } from '@enclave/messaging';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BrokerProvisionedHandler } from '../../../apps/readiness-aggregator/src/handlers/broker-provisioned.handler';
import { CredentialsIssuedHandler } from '../../../apps/readiness-aggregator/src/handlers/credentials-issued.handler';
import { MigrationsAppliedHandler } from '../../../apps/readiness-aggregator/src/handlers/migrations-applied.handler';
import { MongoProvisionedHandler } from '../../../apps/readiness-aggregator/src/handlers/mongo-provisioned.handler';
import { PostgresProvisionedHandler } from '../../../apps/readiness-aggregator/src/handlers/postgres-provisioned.handler';
import { ServiceRegisteredHandler } from '../../../apps/readiness-aggregator/src/handlers/service-registered.handler';
import { StageFailedHandler } from '../../../apps/readiness-aggregator/src/handlers/stage-failed.handler';
import { readinessAggregatorMigrations } from '../../../apps/readiness-aggregator/src/migrations/readiness-aggregator.migrations';
import { TrackRotationUseCase } from '../../../apps/readiness-aggregator/src/rotation/track-rotation.use-case';
import { RecordStageOutcomeUseCase } from '../../../apps/readiness-aggregator/src/status/record-stage-outcome.use-case';
import { ServiceStatusEntity } from '../../../apps/readiness-aggregator/src/status/service-status.entity';
import { StatusController } from '../../../apps/readiness-aggregator/src/status/status.controller';
import { StageHandlerHarness } from '../support/stage-handler.harness';

type Handle<P> = (event: EventEnvelope<P>, ctx: EventContext) => Promise<unknown> | unknown;
type Registration = {
  tenantId: string;
  registrationId: string;
  product: 'ledger';
  isolationMode: 'SCHEMA';
};

/**
 * Credential rotation in the readiness-aggregator, handler by handler on real PostgreSQL (its
 * migrations, row locks and outbox): CredentialsRotated follows only when every required stage
 * re-applied the rotated credentials, matched by causation, and only once.
 */
describe('readiness-aggregator credential rotation', () => {
  const SCHEMA = 'readiness_aggregator';
  const harness = new StageHandlerHarness(SCHEMA, 'readiness-aggregator');
  const outbox = new OutboxWriter(platformEventCatalog, SCHEMA, 'readiness-aggregator');
  const recordOutcome = new RecordStageOutcomeUseCase();
  const trackRotation = new TrackRotationUseCase();
  const bind = <H extends { handle: (...args: never[]) => unknown }>(h: H) =>
    h.handle.bind(h) as unknown as Handle<never>;
  const on = {
    registered: bind(new ServiceRegisteredHandler(recordOutcome)),
    issued: bind(new CredentialsIssuedHandler(recordOutcome, trackRotation)),
    postgres: bind(new PostgresProvisionedHandler(recordOutcome, trackRotation)),
    mongodb: bind(new MongoProvisionedHandler(recordOutcome, trackRotation)),
    rabbitmq: bind(new BrokerProvisionedHandler(recordOutcome, trackRotation)),
    migrations: bind(new MigrationsAppliedHandler(recordOutcome)),
    failed: bind(new StageFailedHandler(recordOutcome, trackRotation)),
  };
  const tenantId = `it-${randomBytes(4).toString('hex')}`;
  const names = tenantResourceNames(tenantId, 'ledger', 'SCHEMA');
  let statusApi: StatusController;
  /** The app's view of the database: its schema and entity (the harness's DataSource has none). */
  let dataSource: DataSource;

  /** An envelope as the producing stage would write it, caused by `causationId`. */
  const envelope = <P>(def: EventDefinition<string, P>, payload: P, causationId: string | null) =>
    platformEventCatalog.envelope(def, payload, {
      tenantId,
      producer: 'integration-test',
      causationId,
    });

  /** Delivers one envelope the way the consumer does: one transaction, publish into the outbox. */
  const deliver = async <E extends EventEnvelope<unknown>>(event: E, handle: Handle<never>) => {
    const { topic } = PlatformEvents[event.type as keyof typeof PlatformEvents];
    await dataSource.transaction(async (tx) => {
      await (handle as Handle<unknown>)(
        event,
        new EventContext(
          event,
          tx,
          { topic, partition: 0, offset: '0', attempt: 1, finalAttempt: false },
          outbox,
        ),
      );
    });
    return event;
  };

  const newRegistration = (): Registration => ({
    tenantId,
    registrationId: randomUUID(),
    product: 'ledger',
    isolationMode: 'SCHEMA',
  });

  const refs = (version: number): CredentialsIssuedPayload['credentials'] => ({
    postgres: { path: names.secretPath('postgres'), version },
    mongodb: { path: names.secretPath('mongodb'), version },
    rabbitmq: { path: names.secretPath('rabbitmq'), version },
  });

  const issued = (r: Registration, rotationId: string | null, version: number) =>
    envelope(
      CredentialsIssued,
      { ...r, rotationId, credentials: refs(version), productVersion: '1.0.0' },
      rotationId ? randomUUID() : null,
    );

  /** What the three provisioners publish after applying the CredentialsIssued `issuedEvent`. */
  const provisioned = (r: Registration, issuedEvent: EventEnvelope<CredentialsIssuedPayload>) => {
    const cause = issuedEvent.id;
    const rotationId = issuedEvent.payload.rotationId;
    return {
      postgres: envelope(
        PostgresProvisioned,
        {
          ...r,
          database: names.pgDatabase,
          schema: names.pgSchema,
          role: names.pgRole,
          credentials: refs(1).postgres!,
          rotationId,
          productVersion: '1.0.0',
        },
        cause,
      ),
      mongodb: envelope(
        MongoProvisioned,
        {
          ...r,
          database: names.mongoDatabase,
          user: names.mongoUser,
          userManagement: 'enforced',
          collections: 2,
          rotationId,
        },
        cause,
      ),
      rabbitmq: envelope(
        BrokerProvisioned,
        {
          ...r,
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

  /** Provisions a ledger registration to Ready; returns the first CredentialsIssued. */
  const provisionToReady = async (r: Registration) => {
    await deliver(
      envelope(
        ServiceRegistered,
        { ...r, productVersion: '1.0.0', resources: ['postgres', 'mongodb', 'rabbitmq'] },
        null,
      ),
      on.registered,
    );
    const first = await deliver(issued(r, null, 1), on.issued);
    const events = provisioned(r, first);
    for (const stage of ['postgres', 'mongodb', 'rabbitmq'] as const)
      await deliver(events[stage], on[stage]);
    await deliver(
      envelope(
        MigrationsApplied,
        { ...r, schemaVersion: 3, applied: ['0001-init'] },
        events.postgres.id,
      ),
      on.migrations,
    );
    expect((await statusRow(r)).state).toBe('ready');
    return { first, original: events };
  };

  const statusRow = async (r: Registration) => {
    const [row] = await harness.dataSource.query(
      `SELECT state, revision, stages, rotation, unclaimed_reports FROM ${SCHEMA}.service_status WHERE registration_id = $1`,
      [r.registrationId],
    );
    return row;
  };

  const publishedFor = async (r: Registration, type?: string) =>
    (await harness.published()).envelopes.filter(
      (e) => e.payload.registrationId === r.registrationId && (!type || e.type === type),
    );

  beforeAll(async () => {
    await harness.setUp(readinessAggregatorMigrations);
    dataSource = await new DataSource({
      type: 'postgres',
      url: harness.db.url,
      schema: SCHEMA,
      entities: [ServiceStatusEntity],
      extra: { max: 2 },
    }).initialize();
    statusApi = new StatusController(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await harness.tearDown();
  });

  it('publishes CredentialsRotated once, after every required stage re-applied the rotation', async () => {
    const r = newRegistration();
    const { first, original } = await provisionToReady(r);
    const before = await statusRow(r);
    expect(await publishedFor(r, 'ServiceReady')).toHaveLength(1);

    const rotationId = randomUUID();
    const rotation = await deliver(issued(r, rotationId, 2), on.issued);
    const reapplied = provisioned(r, rotation);

    // Late and duplicate events of the original provisioning say nothing about the rotation.
    await deliver(original.postgres, on.postgres);
    await deliver(provisioned(r, first).rabbitmq, on.rabbitmq);
    await deliver(reapplied.postgres, on.postgres);
    await deliver(reapplied.postgres, on.postgres);
    await deliver(
      envelope(MigrationsApplied, { ...r, schemaVersion: 3, applied: [] }, reapplied.postgres.id),
      on.migrations,
    );
    await deliver(reapplied.mongodb, on.mongodb);
    expect(await publishedFor(r, 'CredentialsRotated')).toHaveLength(0);
    expect((await statusApi.registration(r.registrationId)).rotation).toMatchObject({
      rotationId,
      state: 'pending',
      awaiting: ['rabbitmq'],
      completedAt: null,
    });

    await deliver(reapplied.rabbitmq, on.rabbitmq);
    // Afterwards: a late re-apply, another delivery of the rotation, the same rotation again.
    await deliver(provisioned(r, rotation).rabbitmq, on.rabbitmq);
    await deliver(rotation, on.issued);
    await deliver(envelope(CredentialsIssued, rotation.payload, rotation.causationId), on.issued);

    const rotated = await publishedFor(r, 'CredentialsRotated');
    expect(rotated).toHaveLength(1);
    expect(rotated[0]).toMatchObject({
      causationId: reapplied.rabbitmq.id,
      payload: { ...r, rotationId, credentials: refs(2) },
    });
    const view = await statusApi.registration(r.registrationId);
    expect(view.rotation).toMatchObject({
      rotationId,
      state: 'done',
      awaiting: [],
      completedAt: reapplied.rabbitmq.occurredAt,
    });
    // The provisioning outcome is untouched: still ready, same stages, same revision, said once.
    const after = await statusRow(r);
    expect(after).toMatchObject({
      state: 'ready',
      revision: before.revision,
      stages: before.stages,
    });
    expect(await publishedFor(r, 'ServiceReady')).toHaveLength(1);
    expect(await publishedFor(r, 'ServiceStatusChanged')).toHaveLength(before.revision);
  });

  it('counts re-apply reports that arrive before the rotation they answer', async () => {
    const r = newRegistration();
    await provisionToReady(r);
    const rotation = issued(r, randomUUID(), 2);
    const reapplied = provisioned(r, rotation);
    for (const stage of ['postgres', 'mongodb', 'rabbitmq'] as const)
      await deliver(reapplied[stage], on[stage]);
    expect(await publishedFor(r, 'CredentialsRotated')).toHaveLength(0);

    await deliver(rotation, on.issued);

    expect(await publishedFor(r, 'CredentialsRotated')).toHaveLength(1);
    const row = await statusRow(r);
    expect(row.rotation.state).toBe('done');
    expect(row.unclaimed_reports.map((x: { rotationId: string }) => x.rotationId)).not.toContain(
      rotation.payload.rotationId,
    );
  });

  it('announces a rotation with nothing to re-apply right away', async () => {
    const r = newRegistration();
    await deliver(
      envelope(ServiceRegistered, { ...r, productVersion: '1.0.0', resources: ['postgres'] }, null),
      on.registered,
    );
    const first = await deliver(
      envelope(
        CredentialsIssued,
        {
          ...r,
          rotationId: null,
          credentials: { postgres: refs(1).postgres },
          productVersion: '1.0.0',
        },
        null,
      ),
      on.issued,
    );
    const pg = provisioned(r, first).postgres;
    await deliver(pg, on.postgres);
    await deliver(
      envelope(MigrationsApplied, { ...r, schemaVersion: 3, applied: ['0001-init'] }, pg.id),
      on.migrations,
    );
    expect((await statusRow(r)).state).toBe('ready');

    // Only a credential this registration does not use: no stage has anything to apply.
    const rotationId = randomUUID();
    await deliver(
      envelope(
        CredentialsIssued,
        { ...r, rotationId, credentials: { mongodb: refs(2).mongodb }, productVersion: '1.0.0' },
        randomUUID(),
      ),
      on.issued,
    );

    expect(await publishedFor(r, 'CredentialsRotated')).toEqual([
      expect.objectContaining({ payload: expect.objectContaining({ rotationId }) }),
    ]);
  });

  it('lets a newer rotation replace a pending one, which is then never announced', async () => {
    const r = newRegistration();
    await provisionToReady(r);
    const older = await deliver(issued(r, randomUUID(), 2), on.issued);
    const newer = await deliver(issued(r, randomUUID(), 3), on.issued);

    for (const stage of ['postgres', 'mongodb', 'rabbitmq'] as const)
      await deliver(provisioned(r, older)[stage], on[stage]);
    // A replay of the older rotation's CredentialsIssued does not reopen it either.
    await deliver(older, on.issued);
    expect(await publishedFor(r, 'CredentialsRotated')).toHaveLength(0);

    for (const stage of ['postgres', 'mongodb', 'rabbitmq'] as const)
      await deliver(provisioned(r, newer)[stage], on[stage]);
    const rotated = await publishedFor(r, 'CredentialsRotated');
    expect(rotated.map((e) => e.payload.rotationId)).toEqual([newer.payload.rotationId]);
    expect(rotated[0].payload.credentials).toEqual(refs(3));
  });

  it('fails the rotation, not the registration, when a stage gives up applying it, and says so once', async () => {
    const r = newRegistration();
    await provisionToReady(r);
    const rotation = await deliver(issued(r, randomUUID(), 2), on.issued);
    await deliver(provisioned(r, rotation).postgres, on.postgres);

    const stageFailed = envelope(
      StageFailed,
      {
        ...r,
        stage: 'rabbitmq',
        reason: 'user is owned by another vhost',
        rotationId: rotation.payload.rotationId,
      },
      rotation.id,
    );
    await deliver(stageFailed, on.failed);
    await deliver({ ...stageFailed, id: randomUUID() }, on.failed);
    await deliver(provisioned(r, rotation).mongodb, on.mongodb);

    const view = await statusApi.registration(r.registrationId);
    expect(view.state).toBe('ready');
    expect(view.rotation).toMatchObject({
      state: 'failed',
      reason: 'rabbitmq: user is owned by another vhost',
    });
    expect(await publishedFor(r, 'CredentialsRotated')).toHaveLength(0);
    expect(await publishedFor(r, 'ServiceFailed')).toHaveLength(0);
    const failed = await publishedFor(r, 'CredentialsRotationFailed');
    expect(failed.map((e) => e.payload)).toEqual([
      {
        ...r,
        rotationId: rotation.payload.rotationId,
        reason: 'rabbitmq: user is owned by another vhost',
      },
    ]);
    expect(failed[0].causationId).toBe(stageFailed.id);
  });

  it('does not track a rotation of a failed registration', async () => {
    const r = newRegistration();
    await deliver(
      envelope(ServiceRegistered, { ...r, productVersion: '1.0.0', resources: ['postgres'] }, null),
      on.registered,
    );
    await deliver(
      envelope(
        StageFailed,
        { ...r, stage: 'postgres', reason: 'owned elsewhere', rotationId: null },
        null,
      ),
      on.failed,
    );
    const rotation = await deliver(issued(r, randomUUID(), 2), on.issued);
    await deliver(provisioned(r, rotation).postgres, on.postgres);

    expect((await statusRow(r)).rotation).toBeNull();
    expect((await statusApi.registration(r.registrationId)).rotation).toBeNull();
    expect(await publishedFor(r, 'CredentialsRotated')).toHaveLength(0);
  });
});
