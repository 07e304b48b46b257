import {
  BrokerProvisioned,
  CredentialsIssued,
  CredentialsIssuedPayload,
  StageFailed,
} from '@enclave/contracts';
import { exampleProducts } from '@enclave/product-catalog';
import { SecretStore } from '@enclave/secret-store';
import {
  envelopeOf,
  fakeEventContext,
  fakeProductCatalog,
  fakeTenantAccess,
} from '@enclave/testing';
import { RabbitMqApiError } from '../provisioning/rabbitmq-api.error';
import { RabbitMqStageUseCase } from '../provisioning/rabbitmq-stage.use-case';
import { RabbitMqTenantProvisioner } from '../provisioning/rabbitmq-tenant.provisioner';
import { CredentialsIssuedHandler } from './credentials-issued.handler';

const PASSWORD = 'pw-never-anywhere-4f1c';

function setUp(
  options: {
    product?: string;
    path?: string;
    data?: Record<string, string>;
    finalAttempt?: boolean;
    /** The latest version the vault holds at the path, and the rotation it was written for. */
    latest?: { version: number; rotationId?: string };
    rotationId?: string | null;
  } = {},
) {
  const product = options.product ?? 'ledger';
  const payload: CredentialsIssuedPayload = {
    tenantId: 'acme-corp',
    registrationId: '6b0f6b8e-8d7e-4c53-9a55-0d6f1c1f8a11',
    product,
    isolationMode: 'SCHEMA',
    rotationId: options.rotationId ?? null,
    productVersion: '1.0.0',
    credentials: {
      rabbitmq: { path: options.path ?? `tenants/acme-corp/${product}/rabbitmq`, version: 2 },
    },
  };
  const secrets = {
    get: jest.fn(async () => ({
      ref: { path: 'p', version: 2 },
      data: options.data ?? { username: `t_acme_corp_${product}`, password: PASSWORD },
    })),
    find: jest.fn(async (path: string) => {
      const latest = options.latest ?? { version: 2 };
      const tag = latest.rotationId ? { rotationId: latest.rotationId } : {};
      return { ref: { path, version: latest.version }, data: tag };
    }),
  };
  const provisioner = {
    provision: jest.fn(async () => ({
      vhost: 't_acme_corp_ledger',
      user: 't_acme_corp_ledger',
      isolation: 'VHOST' as const,
      prefix: null,
    })),
  };
  const ctx = fakeEventContext({ delivery: { finalAttempt: options.finalAttempt ?? false } });
  const handler = new CredentialsIssuedHandler(
    new RabbitMqStageUseCase(
      secrets as unknown as SecretStore,
      provisioner as unknown as RabbitMqTenantProvisioner,
      fakeProductCatalog(),
      fakeTenantAccess(),
    ),
  );
  const event = envelopeOf(CredentialsIssued, payload);
  return { handler, event, ctx, secrets, provisioner, publish: ctx.publish, payload };
}

describe('CredentialsIssuedHandler (broker-provisioner)', () => {
  it('does nothing when no RabbitMQ credentials were issued', async () => {
    const { handler, event, ctx, secrets, provisioner, publish } = setUp();
    delete (event.payload.credentials as { rabbitmq?: unknown }).rabbitmq;
    await handler.handle(event, ctx);
    expect(secrets.get).not.toHaveBeenCalled();
    expect(provisioner.provision).not.toHaveBeenCalled();
    expect(publish).not.toHaveBeenCalled();
  });

  it('provisions with the vaulted credentials and the manifest topology, and announces it without secrets', async () => {
    const { handler, event, ctx, secrets, provisioner, publish } = setUp();
    await handler.handle(event, ctx);
    expect(secrets.get).toHaveBeenCalledWith('tenants/acme-corp/ledger/rabbitmq', 2);
    expect(provisioner.provision).toHaveBeenCalledWith({
      tenantId: 'acme-corp',
      product: 'ledger',
      mode: 'SCHEMA',
      username: 't_acme_corp_ledger',
      password: PASSWORD,
      topology: exampleProducts.get('ledger')?.resources.rabbitmq,
      suspended: false,
    });
    expect(publish).toHaveBeenCalledWith(BrokerProvisioned, {
      tenantId: 'acme-corp',
      registrationId: event.payload.registrationId,
      product: 'ledger',
      isolationMode: 'SCHEMA',
      vhost: 't_acme_corp_ledger',
      user: 't_acme_corp_ledger',
      rotationId: null,
      isolation: 'VHOST',
      prefix: null,
    });
    expect(BrokerProvisioned.schema.safeParse(publish.mock.calls[0][1]).success).toBe(true);
    expect(JSON.stringify(publish.mock.calls)).not.toContain(PASSWORD);
  });

  it.each([
    [
      'a product without a RabbitMQ resource',
      { product: 'tracer' },
      /declares no RabbitMQ resource/,
    ],
    ['a product that declares no RabbitMQ', { product: 'tracer' }, /declares no RabbitMQ resource/],
    [
      'a secret without a password',
      { data: { username: 't_acme_corp_ledger' } },
      /has no username and password/,
    ],
  ])('fails the stage at once for %s', async (_case, options, reason) => {
    const { handler, event, ctx, provisioner, publish } = setUp(options);
    await handler.handle(event, ctx);
    expect(provisioner.provision).not.toHaveBeenCalled();
    expect(publish).toHaveBeenCalledTimes(1);
    expect(publish).toHaveBeenCalledWith(
      StageFailed,
      expect.objectContaining({ stage: 'rabbitmq', reason: expect.stringMatching(reason) }),
    );
  });

  // Forged or corrupt: refused before anything (dead-lettered by the consumer), and not a stage
  // failure, which would turn a Ready registration Failed.
  it.each([
    [
      'a reference to another tenant’s secret',
      { path: 'tenants/other/ledger/rabbitmq' },
      /expected tenants\/acme-corp\/ledger\/rabbitmq/,
    ],
    ['a version the vault never wrote', { latest: { version: 1 } }, /does not hold \(latest v1\)/],
    [
      'a rotation the credential-service did not write',
      {
        rotationId: '0d3c8a52-5b7e-4a8e-9d0e-1f2a3b4c5d6e',
        latest: { version: 2, rotationId: '9e8d7c6b-5a49-4382-9170-a1b2c3d4e5f6' },
      },
      /were not written for rotation 0d3c8a52/,
    ],
  ])('refuses, reading and publishing nothing, %s', async (_case, options, reason) => {
    const { handler, event, ctx, secrets, provisioner, publish } = setUp(options);
    await expect(handler.handle(event, ctx)).rejects.toMatchObject({
      name: 'RefusedEventError',
      retryable: false,
      message: expect.stringMatching(reason),
    });
    expect(secrets.get).not.toHaveBeenCalled();
    expect(provisioner.provision).not.toHaveBeenCalled();
    expect(publish).not.toHaveBeenCalled();
  });

  it('applies nothing from a reference older than the one in force (a replay, or a forged rollback)', async () => {
    const { handler, event, ctx, secrets, provisioner, publish } = setUp({
      latest: { version: 3 },
    });
    await handler.handle(event, ctx);
    expect(secrets.get).not.toHaveBeenCalled();
    expect(provisioner.provision).not.toHaveBeenCalled();
    expect(publish).not.toHaveBeenCalled();
  });

  it('applies the rotation the credential-service wrote', async () => {
    const rotationId = '0d3c8a52-5b7e-4a8e-9d0e-1f2a3b4c5d6e';
    const { handler, event, ctx, provisioner, publish } = setUp({
      rotationId,
      latest: { version: 2, rotationId },
    });
    await handler.handle(event, ctx);
    expect(provisioner.provision).toHaveBeenCalledTimes(1);
    expect(publish).toHaveBeenCalledWith(
      BrokerProvisioned,
      expect.objectContaining({ rotationId }),
    );
  });

  it('retries a product version its catalog lacks, then fails the stage saying so', async () => {
    const first = setUp({ product: 'nosuch' });
    await expect(first.handler.handle(first.event, first.ctx)).rejects.toThrow(
      /nosuch 1\.0\.0 is not in this stage's catalog/,
    );
    expect(first.publish).not.toHaveBeenCalled();
    const last = setUp({ product: 'nosuch', finalAttempt: true });
    await last.handler.handle(last.event, last.ctx);
    expect(last.provisioner.provision).not.toHaveBeenCalled();
    expect(last.publish).toHaveBeenCalledWith(
      StageFailed,
      expect.objectContaining({
        stage: 'rabbitmq',
        reason: expect.stringMatching(/not in this stage's catalog/),
      }),
    );
  });

  it('lets a transient failure be retried, and fails the stage with the cause on the last attempt', async () => {
    const transient = new RabbitMqApiError(
      'PUT',
      'vhosts/t_acme_corp_ledger',
      503,
      'service unavailable',
    );
    const first = setUp();
    first.provisioner.provision.mockRejectedValueOnce(transient);
    await expect(first.handler.handle(first.event, first.ctx)).rejects.toBe(transient);
    expect(first.publish).not.toHaveBeenCalled();

    const last = setUp({ finalAttempt: true });
    last.provisioner.provision.mockRejectedValueOnce(transient);
    await last.handler.handle(last.event, last.ctx);
    expect(last.publish).toHaveBeenCalledWith(
      StageFailed,
      expect.objectContaining({
        stage: 'rabbitmq',
        reason: expect.stringContaining('answered 503'),
      }),
    );
    expect(JSON.stringify(last.publish.mock.calls)).not.toContain(PASSWORD);
  });
});
