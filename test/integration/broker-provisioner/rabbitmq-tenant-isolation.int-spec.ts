import { tenantResourceNames } from '@enclave/contracts';
import { exampleProducts } from '@enclave/product-catalog';
import { expectEventually, recordExercised, testInfra } from '@enclave/testing';
import { ChannelModel, connect } from 'amqplib';
import { randomBytes } from 'node:crypto';
import {
  RabbitMqProvisionRequest,
  RabbitMqTenantProvisioner,
  RabbitMqTopology,
} from '../../../apps/broker-provisioner/src/provisioning/rabbitmq-tenant.provisioner';
import { amqpConnectionOpen } from './amqp-handshake.probe';
import { RabbitMqAdminProbe } from './rabbitmq-admin.probe';
import { platformRabbitMqUser } from '../support/rabbitmq-platform-user';

const ledger = exampleProducts.get('ledger')?.resources.rabbitmq as RabbitMqTopology;

/**
 * What a provisioned tenant can and cannot do over AMQP and HTTP on the real broker: its own vhost
 * works end to end (publish, route, consume, dead-letter), everything else is refused, and its
 * limits hold.
 */
describe('RabbitMQ tenant isolation', () => {
  const infra = testInfra();
  // Driven as the platform's own user, as the app is, not as the bootstrap administrator.
  const platformRabbitMq = platformRabbitMqUser(infra);
  const admin = new RabbitMqAdminProbe(infra);
  const provisioner = new RabbitMqTenantProvisioner(platformRabbitMq.url);
  const runId = randomBytes(3).toString('hex');
  const connections: ChannelModel[] = [];

  const tenant = (label: string, topology: RabbitMqTopology = ledger) => {
    const tenantId = `it-${runId}-${label}`;
    const names = tenantResourceNames(tenantId, 'ledger', 'SCHEMA');
    const request: RabbitMqProvisionRequest = {
      tenantId,
      product: 'ledger',
      mode: 'SCHEMA',
      username: names.rabbitUser,
      // Characters that need URL-encoding, so the AMQP URLs are exercised with them.
      password: `pw/${randomBytes(9).toString('base64')}@:%`,
      topology,
    };
    return {
      ...request,
      vhost: names.vhost,
      user: names.rabbitUser,
      url: admin.amqpUrl(names.rabbitUser, request.password, names.vhost),
    };
  };
  const a = tenant('a');
  const b = tenant('b');
  // Small limits, so reaching them takes a handful of queues and connections.
  const small = tenant('l', {
    ...ledger,
    limits: { maxConnections: 2, maxQueues: ledger.queues.length + 1 },
  });

  const open = async (url: string) => {
    const connection = await connect(url);
    connection.on('error', () => undefined); // server-side closes are asserted where they matter
    connections.push(connection);
    return connection;
  };

  beforeAll(async () => {
    await platformRabbitMq.ensure();
    await Promise.all([a, b, small].map((t) => provisioner.provision(t)));
    recordExercised(
      'RabbitMQ',
      `${new URL(infra.rabbitmqUrl).host} AMQP (RabbitMQ ${await admin.version()}): tenant credentials, isolation, limits`,
    );
  });

  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close().catch(() => undefined)));
    for (const t of [a, b, small])
      await provisioner.deprovision({ tenantId: t.tenantId, product: 'ledger' });
  });

  it("connects with the tenant's credentials, publishes to its exchange, consumes from its bound queue and dead-letters", async () => {
    const channel = await (await open(a.url)).createChannel();
    const body = JSON.stringify({ id: randomBytes(4).toString('hex') });
    expect(
      channel.publish('ledger.events', 'transaction.created', Buffer.from(body), {
        persistent: true,
      }),
    ).toBe(true);

    let message: Awaited<ReturnType<typeof channel.get>> = false;
    await expectEventually(async () => {
      message = await channel.get('ledger.transactions');
      expect(message).not.toBe(false);
    });
    if (!message) throw new Error('unreachable');
    expect((message as { content: Buffer }).content.toString()).toBe(body);
    expect(await channel.get('ledger.balances')).toBe(false); // routed by key, not broadcast

    // Rejected without requeue: the queue's x-dead-letter-exchange takes it to ledger.dead-letters.
    channel.nack(message, false, false);
    await expectEventually(async () => {
      const dead = await channel.get('ledger.dead-letters');
      expect(dead && dead.content.toString()).toBe(body);
    });
    await channel.close();
  });

  it("refuses tenant A's credentials on tenant B's vhost and on the default vhost", async () => {
    for (const vhost of [b.vhost, '/']) {
      const url = admin.amqpUrl(a.user, a.password, vhost);
      await expect(connect(url)).rejects.toThrow(/Expected ConnectionOpenOk; got <ConnectionClose/);
      // amqplib drops the broker's reason; the raw handshake shows it: access to the vhost refused.
      expect(await amqpConnectionOpen(url)).toEqual({
        opened: false,
        replyCode: 530,
        replyText: `NOT_ALLOWED - access to vhost '${vhost}' refused for user '${a.user}'`,
      });
    }
    // The positive control: the same handshake on A's own vhost opens.
    expect(await amqpConnectionOpen(a.url)).toEqual({ opened: true });
  });

  it("refuses a wrong password, and B's password for A's user", async () => {
    for (const password of [`${a.password}x`, b.password]) {
      const url = admin.amqpUrl(a.user, password, a.vhost);
      await expect(connect(url)).rejects.toThrow(
        /403 \(ACCESS-REFUSED\).*ACCESS_REFUSED - Login was refused/,
      );
      expect(await amqpConnectionOpen(url)).toMatchObject({ opened: false, replyCode: 403 });
    }
  });

  it('gives tenant users no access to the management API', async () => {
    const as = { user: a.user, password: a.password };
    for (const path of [
      'overview',
      `vhosts/${encodeURIComponent(a.vhost)}`,
      `queues/${encodeURIComponent(a.vhost)}`,
      'whoami',
    ]) {
      expect(await admin.call('GET', path, undefined, as)).toEqual({
        status: 401,
        body: { error: 'not_authorised', reason: 'Not management user' },
      });
    }
    expect(
      (await admin.call('PUT', `vhosts/${encodeURIComponent(`${a.vhost}_x`)}`, {}, as)).status,
    ).toBe(401);
  });

  it('enforces the max-queues limit', async () => {
    const connection = await open(small.url);
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    // Three declared queues plus one fits the limit of four…
    await channel.assertQueue('extra-1', { durable: false });
    // …and the fifth is refused by the broker.
    await expect(channel.assertQueue('extra-2', { durable: false })).rejects.toThrow(
      `406 (PRECONDITION-FAILED) with message "PRECONDITION_FAILED - cannot declare queue 'extra-2': queue limit in vhost '${small.vhost}' (4) is reached"`,
    );
    expect(
      (await admin.get<unknown[]>(`queues/${encodeURIComponent(small.vhost)}?columns=name`)).length,
    ).toBe(4);
    await connection.close();
  });

  it('enforces the max-connections limit', async () => {
    await Promise.all([open(small.url), open(small.url)]);
    await expectEventually(async () => {
      // The broker counts connections asynchronously; wait until the two are both registered.
      const open = await admin.get<Array<{ vhost: string }>>('connections?columns=vhost');
      expect(open.filter((c) => c.vhost === small.vhost).length).toBeGreaterThanOrEqual(2);
    });
    expect(await amqpConnectionOpen(small.url)).toEqual({
      opened: false,
      replyCode: 530,
      replyText: `NOT_ALLOWED - access to vhost '${small.vhost}' refused for user '${small.user}': connection limit (2) is reached`,
    });
  });
});
