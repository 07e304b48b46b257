import {
  BrokerProvisioned,
  CredentialsIssuedPayload,
  EventEnvelope,
  StageFailed,
  tenantResourceNames,
} from '@enclave/contracts';
import { EventContext } from '@enclave/messaging';
import { InMemorySecretStore } from '@enclave/secret-store';
import { fakeProductCatalog, fakeTenantAccess, recordExercised, testInfra } from '@enclave/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { CredentialsIssuedHandler } from '../../../apps/broker-provisioner/src/handlers/credentials-issued.handler';
import { RabbitMqStageUseCase } from '../../../apps/broker-provisioner/src/provisioning/rabbitmq-stage.use-case';
import { RabbitMqTenantProvisioner } from '../../../apps/broker-provisioner/src/provisioning/rabbitmq-tenant.provisioner';
import { RabbitMqAdminProbe } from './rabbitmq-admin.probe';
import { platformRabbitMqUser } from '../support/rabbitmq-platform-user';

/**
 * The RabbitMQ stage's handler with the real provisioner and broker (the consumer, outbox and vault
 * are exercised by their own suites): what it announces, and that no secret is in it.
 */
describe('CredentialsIssued → BrokerProvisioned on RabbitMQ', () => {
  const infra = testInfra();
  // Driven as the platform's own user, as the app is, not as the bootstrap administrator.
  const platformRabbitMq = platformRabbitMqUser(infra);
  const admin = new RabbitMqAdminProbe(infra);
  const provisioner = new RabbitMqTenantProvisioner(platformRabbitMq.url);
  const secrets = new InMemorySecretStore();
  // The catalog is not under test here: the example products, as the stage would hold them.
  const handler = new CredentialsIssuedHandler(
    new RabbitMqStageUseCase(secrets, provisioner, fakeProductCatalog(), fakeTenantAccess()),
  );
  const tenantId = `it-${randomBytes(3).toString('hex')}-h`;
  const names = tenantResourceNames(tenantId, 'ledger', 'SCHEMA');
  const password = `pw-${randomBytes(16).toString('hex')}`;

  const deliver = async (payload: CredentialsIssuedPayload) => {
    const published: Array<{ type: string; payload: unknown }> = [];
    const ctx = {
      delivery: { topic: 't', partition: 0, offset: '0', attempt: 1, finalAttempt: false },
      publish: async (def: { type: string }, body: unknown) =>
        void published.push({ type: def.type, payload: body }),
    } as unknown as EventContext;
    await handler.handle(
      { id: randomUUID(), tenantId, payload } as EventEnvelope<CredentialsIssuedPayload>,
      ctx,
    );
    return published;
  };
  const issued = (product: string): CredentialsIssuedPayload => ({
    tenantId,
    registrationId: randomUUID(),
    product,
    isolationMode: 'SCHEMA',
    rotationId: null,
    productVersion: '1.0.0',
    credentials: {
      rabbitmq: {
        path: tenantResourceNames(tenantId, product, 'SCHEMA').secretPath('rabbitmq'),
        version: 1,
      },
    },
  });

  beforeAll(async () => {
    await platformRabbitMq.ensure();
    await secrets.put(names.secretPath('rabbitmq'), { username: names.rabbitUser, password });
    recordExercised(
      'RabbitMQ',
      `${new URL(infra.rabbitmqMgmtUrl).host} management API (RabbitMQ ${await admin.version()}): RabbitMQ stage handler`,
    );
  });

  afterAll(async () => {
    await provisioner.deprovision({ tenantId, product: 'ledger' });
  });

  it('provisions the tenant and announces BrokerProvisioned with names only, the same on redelivery', async () => {
    const payload = issued('ledger');
    const {
      credentials: _references,
      rotationId: _first,
      productVersion: _version,
      ...registration
    } = payload;
    for (let delivery = 0; delivery < 2; delivery++) {
      const published = await deliver(payload);
      expect(published).toEqual([
        {
          type: BrokerProvisioned.type,
          payload: {
            ...registration,
            vhost: names.vhost,
            user: names.rabbitUser,
            rotationId: null,
            isolation: 'VHOST',
            prefix: null,
          },
        },
      ]);
      expect(BrokerProvisioned.schema.safeParse(published[0].payload).success).toBe(true);
      expect(JSON.stringify(published)).not.toContain(password);
    }
    expect(await admin.status(`vhosts/${encodeURIComponent(names.vhost)}`)).toBe(200);
    expect((await admin.snapshot(names.vhost, names.rabbitUser)).queues).toHaveLength(3);
  });

  it('fails the stage, without touching the broker, for a product without RabbitMQ', async () => {
    const published = await deliver(issued('tracer'));
    expect(published).toEqual([
      {
        type: StageFailed.type,
        payload: expect.objectContaining({
          stage: 'rabbitmq',
          reason: expect.stringContaining('declares no RabbitMQ resource'),
        }),
      },
    ]);
    expect(
      await admin.status(
        `vhosts/${encodeURIComponent(tenantResourceNames(tenantId, 'tracer', 'SCHEMA').vhost)}`,
      ),
    ).toBe(404);
  });
});
