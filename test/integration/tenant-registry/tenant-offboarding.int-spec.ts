import {
  EventEnvelope,
  ServiceDeprovisionRequested,
  ServiceDeprovisioned,
  TenantOffboarded,
  platformEventCatalog,
} from '@enclave/contracts';
import { EventContext, OutboxWriter } from '@enclave/messaging';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ServiceDeprovisionedHandler } from '../../../apps/tenant-registry/src/handlers/service-deprovisioned.handler';
import { tenantRegistryMigrations } from '../../../apps/tenant-registry/src/migrations/tenant-registry.migrations';
import { DeprovisionRegistrationUseCase } from '../../../apps/tenant-registry/src/registrations/deprovision-registration.use-case';
import { RegistrationState } from '../../../apps/tenant-registry/src/registrations/registration-state';
import { ServiceRegistrationEntity } from '../../../apps/tenant-registry/src/registrations/service-registration.entity';
import { OffboardTenantUseCase } from '../../../apps/tenant-registry/src/tenants/offboard-tenant.use-case';
import { TenantOffboardingCompletion } from '../../../apps/tenant-registry/src/tenants/tenant-offboarding-completion';
import { TenantEntity } from '../../../apps/tenant-registry/src/tenants/tenant.entity';
import { StageHandlerHarness } from '../support/stage-handler.harness';

/**
 * Offboarding a whole tenant in the registry, on real PostgreSQL: requests and stage reports that
 * arrive at once still ask each stage once and end the tenant once, and a refused request leaves
 * every row and the outbox as they were.
 */
describe('tenant-registry tenant offboarding', () => {
  const SCHEMA = 'tenant_registry';
  const harness = new StageHandlerHarness(SCHEMA, 'tenant-registry');
  const outbox = new OutboxWriter(platformEventCatalog, SCHEMA, 'tenant-registry');
  const completion = new TenantOffboardingCompletion(outbox);
  const handler = new ServiceDeprovisionedHandler(completion);
  let dataSource: DataSource;
  let offboard: OffboardTenantUseCase;

  const newTenant = async (states: Record<string, RegistrationState>) => {
    const tenantId = `it-${randomBytes(4).toString('hex')}`;
    await dataSource.getRepository(TenantEntity).insert({ id: tenantId, displayName: tenantId });
    const ids: Record<string, string> = {};
    for (const [product, state] of Object.entries(states)) {
      ids[product] = randomUUID();
      await dataSource.getRepository(ServiceRegistrationEntity).insert({
        id: ids[product],
        tenantId,
        product,
        productVersion: '1.0.0',
        isolationMode: 'DATABASE',
        resources: ['postgres'],
        state,
        conditions: [
          {
            stage: 'postgres',
            status: state === 'provisioning' ? 'pending' : 'done',
            reason: null,
            completedAt: null,
            durationMs: null,
          },
        ],
      });
    }
    return { tenantId, ids };
  };
  const published = async (type: string, tenantId: string) =>
    (await harness.published()).envelopes.filter((e) => e.type === type && e.tenantId === tenantId);
  const tenantRow = (tenantId: string) =>
    dataSource.getRepository(TenantEntity).findOneByOrFail({ id: tenantId });
  const released = (tenantId: string, product: string, registrationId: string) => {
    const event = platformEventCatalog.envelope(
      ServiceDeprovisioned,
      { tenantId, registrationId, product, isolationMode: 'DATABASE' },
      { tenantId, producer: 'integration-test' },
    );
    return dataSource.transaction((tx) =>
      handler.handle(
        event as EventEnvelope<never>,
        new EventContext(
          event,
          tx,
          {
            topic: ServiceDeprovisioned.topic,
            partition: 0,
            offset: '0',
            attempt: 1,
            finalAttempt: false,
          },
          outbox,
        ),
      ),
    );
  };

  beforeAll(async () => {
    await harness.setUp(tenantRegistryMigrations);
    dataSource = await new DataSource({
      type: 'postgres',
      url: harness.db.url,
      schema: SCHEMA,
      entities: [TenantEntity, ServiceRegistrationEntity],
      extra: { max: 4 },
    }).initialize();
    offboard = new OffboardTenantUseCase(
      dataSource,
      new DeprovisionRegistrationUseCase(dataSource, outbox),
      completion,
    );
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await harness.tearDown();
  });

  it('asks each stage once for requests made at once, and ends the tenant once for reports released at once', async () => {
    const { tenantId, ids } = await newTenant({ alpha: 'ready', beta: 'failed' });
    await Promise.all([
      offboard.execute(tenantId, 'first'),
      offboard.execute(tenantId, 'second'),
      offboard.execute(tenantId, null),
    ]);
    const requested = await published(ServiceDeprovisionRequested.type, tenantId);
    expect(requested.map((e) => e.payload.product).sort()).toEqual(['alpha', 'beta']);
    expect((await tenantRow(tenantId)).status).toBe('offboarding');

    // Both registrations released at the same moment, each in its own transaction.
    await Promise.all([
      released(tenantId, 'alpha', ids.alpha),
      released(tenantId, 'beta', ids.beta),
    ]);
    const tenant = await tenantRow(tenantId);
    expect(tenant.status).toBe('deleted');
    expect(tenant.deletedAt).toBeInstanceOf(Date);
    const ended = await published(TenantOffboarded.type, tenantId);
    expect(ended).toHaveLength(1);
    expect(ended[0].payload).toMatchObject({
      tenantId,
      products: expect.arrayContaining(['alpha', 'beta']),
      reason: expect.stringMatching(/^(first|second)$/),
    });

    // A replayed report, or another request, changes nothing more.
    await released(tenantId, 'alpha', ids.alpha);
    await offboard.execute(tenantId, 'again');
    expect(await published(TenantOffboarded.type, tenantId)).toHaveLength(1);
    expect(await published(ServiceDeprovisionRequested.type, tenantId)).toHaveLength(2);
  });

  it('refuses while a registration is provisioning, leaving every row and the outbox unchanged', async () => {
    const { tenantId } = await newTenant({ alpha: 'ready', beta: 'provisioning' });
    const outboxBefore = (await harness.published()).envelopes.length;
    await expect(offboard.execute(tenantId, 'too early')).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/beta for it-\w+ is provisioning/),
    });
    const tenant = await tenantRow(tenantId);
    expect(tenant).toMatchObject({ status: 'active', offboardReason: null, deletedAt: null });
    const states = await dataSource
      .getRepository(ServiceRegistrationEntity)
      .find({ where: { tenantId }, order: { product: 'ASC' } });
    expect(states.map((r) => r.state)).toEqual(['ready', 'provisioning']);
    expect((await harness.published()).envelopes.length).toBe(outboxBefore);
  });

  it('a report about a tenant that is not being offboarded deletes the registration only', async () => {
    const { tenantId, ids } = await newTenant({ alpha: 'deprovisioning' });
    await released(tenantId, 'alpha', ids.alpha);
    expect((await tenantRow(tenantId)).status).toBe('active');
    expect(await published(TenantOffboarded.type, tenantId)).toEqual([]);
  });
});
