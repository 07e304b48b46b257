import { ProductManifest, tenantResourceNames } from '@enclave/contracts';
import { exampleProducts } from '@enclave/product-catalog';
import { recordExercised } from '@enclave/testing';
import { connect } from 'amqplib';
import { amqpConnectionOpen } from '../integration/broker-provisioner/amqp-handshake.probe';
import { RabbitMqAdminProbe } from '../integration/broker-provisioner/rabbitmq-admin.probe';
import { PlatformHarness } from './support/platform.harness';
import { TenantResources } from './support/tenant-resources';

/**
 * A product that chose a shared vhost, through the whole platform: two tenants registered, each
 * Ready in the product's vhost under its own prefix; the registration shows the level; the product
 * API hands out the vhost and the prefix, with which the tenant works and outside which it is
 * refused; offboarding one tenant leaves the other whole, the last takes the vhost with it.
 */
describe('a product with a shared RabbitMQ vhost', () => {
  const platform = new PlatformHarness();
  const admin = new RabbitMqAdminProbe(platform.infra);
  const resources = new TenantResources(platform.infra);
  const product = `chat-${platform.runId}`;
  const [a, b] = ['a', 'b'].map((t) => `sv${t}-${platform.runId}`);
  const manifest: ProductManifest = {
    name: product,
    version: '1.0.0',
    defaultIsolationMode: 'SCHEMA',
    resources: {
      rabbitmq: {
        ...structuredClone(exampleProducts.get('ledger')!.resources.rabbitmq!),
        isolation: 'SHARED_VHOST',
        limits: { maxConnections: 5, maxQueues: 50, maxChannels: 10 },
      },
    },
  };
  const vhost = tenantResourceNames(a, product, 'SCHEMA').sharedVhost;
  type RabbitConnection = {
    vhost: string;
    isolation: string;
    prefix: string;
    username: string;
    password: string;
  };
  let cb: RabbitConnection;

  beforeAll(async () => {
    await platform.start();
    recordExercised(
      'RabbitMQ',
      `${new URL(platform.infra.rabbitmqUrl).host} (RabbitMQ ${await admin.version()}): a shared vhost per product through the platform`,
    );
  }, 180_000);

  afterAll(async () => {
    await platform.stop();
    await resources.cleanUp([a, b], [[product, 'SCHEMA']]);
  }, 60_000);

  it('provisions both tenants in the shared vhost, shows the level, and hands out the prefix', async () => {
    expect(
      (await platform.api('PUT', `/v1/products/${product}/versions/1.0.0`, manifest)).status,
    ).toBe(201);
    for (const tenant of [a, b]) {
      expect(
        (await platform.api('POST', '/v1/tenants', { id: tenant, displayName: tenant })).status,
      ).toBe(201);
      expect(
        (await platform.api('POST', `/v1/tenants/${tenant}/services`, { product })).status,
      ).toBe(202);
    }
    for (const tenant of [a, b]) {
      const ready = await platform.waitForState(tenant, product, 'ready');
      expect(ready).toMatchObject({ rabbitmqIsolation: 'SHARED_VHOST' });
    }
    // Neither tenant has a vhost of its own.
    expect(await resources.vhostExists(tenantResourceNames(a, product, 'SCHEMA').vhost)).toBe(
      false,
    );

    const token = (await platform.api('POST', `/v1/products/${product}/tokens`)).body.token;
    const connection = async (tenant: string) => {
      const { status, body } = await platform.api(
        'GET',
        `/v1/products/${product}/tenants/${tenant}/connection`,
        undefined,
        token,
      );
      expect(status).toBe(200);
      return body.rabbitmq as RabbitConnection;
    };
    const ca = await connection(a);
    cb = await connection(b);
    expect(ca).toMatchObject({ vhost, isolation: 'SHARED_VHOST', prefix: `t.${a}.` });
    expect(cb).toMatchObject({ vhost, isolation: 'SHARED_VHOST', prefix: `t.${b}.` });

    // A works with its prefix, and is refused B's.
    const amqp = await connect(resources.amqpUrl(ca, ca.vhost));
    amqp.on('error', () => undefined);
    try {
      const channel = await amqp.createChannel();
      await expect(channel.checkQueue(`${ca.prefix}ledger.transactions`)).resolves.toMatchObject({
        queue: `${ca.prefix}ledger.transactions`,
      });
      const refused = await amqp.createChannel();
      refused.on('error', () => undefined);
      await expect(
        refused.consume(`${cb.prefix}ledger.transactions`, () => undefined),
      ).rejects.toThrow(/403 \(ACCESS-REFUSED\)/);
    } finally {
      await amqp.close().catch(() => undefined);
    }
  });

  it('offboarding one tenant removes its user and prefix only; the last one takes the shared vhost', async () => {
    const names = (tenant: string) => tenantResourceNames(tenant, product, 'SCHEMA');
    const queues = async () =>
      (await admin.get<Array<{ name: string }>>(`queues/${encodeURIComponent(vhost)}?columns=name`))
        .map((q) => q.name)
        .sort();

    expect((await platform.api('DELETE', `/v1/tenants/${a}/services/${product}`)).status).toBe(202);
    await platform.waitForState(a, product, 'deleted');
    expect(await resources.rabbitUserExists(names(a).rabbitUser)).toBe(false);
    const left = await queues();
    expect(left.some((q) => q.startsWith(names(a).rabbitPrefix))).toBe(false);
    expect(left).toEqual(
      manifest.resources.rabbitmq!.queues.map((q) => `${names(b).rabbitPrefix}${q.name}`).sort(),
    );
    // B still logs in to the shared vhost.
    expect(await amqpConnectionOpen(resources.amqpUrl(cb, vhost))).toEqual({ opened: true });

    expect((await platform.api('DELETE', `/v1/tenants/${b}/services/${product}`)).status).toBe(202);
    await platform.waitForState(b, product, 'deleted');
    expect(await resources.rabbitUserExists(names(b).rabbitUser)).toBe(false);
    expect(await resources.vhostExists(vhost)).toBe(false);
  });
});
