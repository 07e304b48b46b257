import {
  CredentialsRotated,
  CredentialsRotationFailed,
  CredentialsRotationRequested,
  EventEnvelope,
  PlatformEvents,
  platformEventCatalog,
  tenantResourceNames,
} from '@enclave/contracts';
import { EventContext, OutboxWriter } from '@enclave/messaging';
import { InMemorySecretStore } from '@enclave/secret-store';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CredentialsRotatedHandler } from '../../../apps/tenant-registry/src/handlers/credentials-rotated.handler';
import { CredentialsRotationFailedHandler } from '../../../apps/tenant-registry/src/handlers/credentials-rotation-failed.handler';
import { tenantRegistryMigrations } from '../../../apps/tenant-registry/src/migrations/tenant-registry.migrations';
import { RecordAppliedCredentialsUseCase } from '../../../apps/tenant-registry/src/registrations/record-applied-credentials.use-case';
import { RecordRotationOutcomeUseCase } from '../../../apps/tenant-registry/src/registrations/record-rotation-outcome.use-case';
import { RegistryOrdersWriter } from '../../../apps/tenant-registry/src/registrations/registry-orders.writer';
import { RequestCredentialRotationUseCase } from '../../../apps/tenant-registry/src/registrations/request-credential-rotation.use-case';
import { ServiceRegistrationEntity } from '../../../apps/tenant-registry/src/registrations/service-registration.entity';
import { TenantEntity } from '../../../apps/tenant-registry/src/tenants/tenant.entity';
import { StageHandlerHarness } from '../support/stage-handler.harness';

type Handle = (event: EventEnvelope<never>, ctx: EventContext) => Promise<void>;

/**
 * The registry's view of a credential rotation, on real PostgreSQL: requested by the operator API,
 * then settled once by the aggregator's CredentialsRotated or CredentialsRotationFailed, whatever
 * order and however often those arrive.
 */
describe('tenant-registry rotation status', () => {
  const SCHEMA = 'tenant_registry';
  const harness = new StageHandlerHarness(SCHEMA, 'tenant-registry');
  const outbox = new OutboxWriter(platformEventCatalog, SCHEMA, 'tenant-registry');
  const recordOutcome = new RecordRotationOutcomeUseCase();
  // No secret in it: the references are checked for their path and rotation only.
  const vault = new InMemorySecretStore();
  const rotated = new CredentialsRotatedHandler(
    new RecordAppliedCredentialsUseCase(vault),
    recordOutcome,
  );
  const failed = new CredentialsRotationFailedHandler(recordOutcome);
  const on = {
    rotated: rotated.handle.bind(rotated) as unknown as Handle,
    failed: failed.handle.bind(failed) as unknown as Handle,
  };
  const tenantId = `it-${randomBytes(4).toString('hex')}`;
  const registrationId = randomUUID();
  const names = tenantResourceNames(tenantId, 'tracer', 'DATABASE');
  const service = {
    tenantId,
    registrationId,
    product: 'tracer',
    isolationMode: 'DATABASE',
  } as const;
  /** The app's view of its schema (the harness's DataSource has no entities). */
  let dataSource: DataSource;
  let requestRotation: RequestCredentialRotationUseCase;

  const deliver = async (event: EventEnvelope<unknown>, handle: Handle) => {
    const { topic } = PlatformEvents[event.type as keyof typeof PlatformEvents];
    await dataSource.transaction((tx) =>
      handle(
        event as EventEnvelope<never>,
        new EventContext(
          event,
          tx,
          { topic, partition: 0, offset: '0', attempt: 1, finalAttempt: false },
          outbox,
        ),
      ),
    );
  };
  const rotatedEvent = (rotationId: string, version: number) =>
    platformEventCatalog.envelope(
      CredentialsRotated,
      {
        ...service,
        rotationId,
        credentials: { postgres: { path: names.secretPath('postgres'), version } },
      },
      { tenantId, producer: 'integration-test' },
    );
  const failedEvent = (rotationId: string, reason: string) =>
    platformEventCatalog.envelope(
      CredentialsRotationFailed,
      { ...service, rotationId, reason },
      { tenantId, producer: 'integration-test' },
    );
  const registration = () =>
    dataSource.getRepository(ServiceRegistrationEntity).findOneByOrFail({ id: registrationId });

  beforeAll(async () => {
    await harness.setUp(tenantRegistryMigrations);
    dataSource = await new DataSource({
      type: 'postgres',
      url: harness.db.url,
      schema: SCHEMA,
      entities: [TenantEntity, ServiceRegistrationEntity],
      extra: { max: 2 },
    }).initialize();
    requestRotation = new RequestCredentialRotationUseCase(
      dataSource,
      outbox,
      new RegistryOrdersWriter(vault),
    );
    await dataSource.getRepository(TenantEntity).insert({ id: tenantId, displayName: tenantId });
    await dataSource.getRepository(ServiceRegistrationEntity).insert({
      id: registrationId,
      tenantId,
      product: 'tracer',
      productVersion: '1.0.0',
      isolationMode: 'DATABASE',
      resources: ['postgres'],
      state: 'ready',
      credentials: { postgres: { path: names.secretPath('postgres'), version: 1 } },
    });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await harness.tearDown();
  });

  it('shows a requested rotation, then failed with the cause, once', async () => {
    expect((await registration()).rotation).toBeNull();
    const { rotationId } = await requestRotation.execute(tenantId, 'tracer');

    expect((await registration()).rotation).toEqual({
      rotationId,
      state: 'requested',
      requestedAt: expect.any(String),
      completedAt: null,
      reason: null,
    });
    const requested = (await harness.published()).envelopes.filter(
      (e) => e.type === CredentialsRotationRequested.type,
    );
    expect(requested.map((e) => e.payload.rotationId)).toEqual([rotationId]);

    // Another rotation's outcome is not this one's.
    await deliver(failedEvent(randomUUID(), 'postgres: not this one'), on.failed);
    expect((await registration()).rotation?.state).toBe('requested');

    const failure = failedEvent(rotationId, 'postgres: role is owned by someone else');
    await deliver(failure, on.failed);
    const settled = (await registration()).rotation;
    expect(settled).toMatchObject({
      rotationId,
      state: 'failed',
      completedAt: failure.occurredAt,
      reason: 'postgres: role is owned by someone else',
    });
    // Repeated, or contradicted by a late event, it stays as it ended.
    await deliver({ ...failure, id: randomUUID() }, on.failed);
    await deliver(rotatedEvent(rotationId, 2), on.rotated);
    expect((await registration()).rotation).toEqual(settled);
  });

  it('settles a new rotation as done, and an older rotation’s outcome changes nothing', async () => {
    const { rotationId: older } = await requestRotation.execute(tenantId, 'tracer');
    const { rotationId } = await requestRotation.execute(tenantId, 'tracer');

    await deliver(failedEvent(older, 'postgres: superseded'), on.failed);
    expect((await registration()).rotation).toMatchObject({ rotationId, state: 'requested' });

    const done = rotatedEvent(rotationId, 3);
    await deliver(done, on.rotated);
    const row = await registration();
    expect(row.rotation).toEqual({
      rotationId,
      state: 'done',
      requestedAt: expect.any(String),
      completedAt: done.occurredAt,
      reason: null,
    });
    expect(row.credentials?.postgres?.version).toBe(3);
  });

  it('refuses a rotation of a registration that is not ready, recording nothing', async () => {
    const before = (await registration()).rotation;
    await dataSource
      .getRepository(ServiceRegistrationEntity)
      .update({ id: registrationId }, { state: 'provisioning' });
    await expect(requestRotation.execute(tenantId, 'tracer')).rejects.toMatchObject({
      status: 409,
    });
    expect((await registration()).rotation).toEqual(before);
  });
});
