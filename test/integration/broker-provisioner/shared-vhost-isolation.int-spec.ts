import { tenantResourceNames } from '@enclave/contracts';
import { exampleProducts } from '@enclave/product-catalog';
import { expectEventually, recordExercised, testInfra } from '@enclave/testing';
import { Channel, ChannelModel, connect } from 'amqplib';
import { randomBytes } from 'node:crypto';
import {
  RabbitMqProvisionRequest,
  RabbitMqTenantProvisioner,
  RabbitMqTopology,
} from '../../../apps/broker-provisioner/src/provisioning/rabbitmq-tenant.provisioner';
import { amqpConnectionOpen } from './amqp-handshake.probe';
import { RabbitMqAdminProbe } from './rabbitmq-admin.probe';
import { platformRabbitMqUser } from '../support/rabbitmq-platform-user';

/** The ledger's topology, in a vhost shared by the product's tenants, with small user limits. */
const shared: RabbitMqTopology = {
  ...(exampleProducts.get('ledger')?.resources.rabbitmq as RabbitMqTopology),
  isolation: 'SHARED_VHOST',
  limits: { maxConnections: 3, maxQueues: 100, maxChannels: 2 },
};

/**
 * The shared-vhost isolation level on the real broker: each tenant of a product has its own user,
 * its exchanges and queues under `t.<tenant>.` and permissions matching that prefix only. Every
 * attack below is tenant A's credentials on tenant B's resources, refused by the server
 * (ACCESS_REFUSED, 403), with A's own use of the same operation as the control. Then offboarding,
 * rotation and suspension, as for a vhost per tenant.
 */
describe('RabbitMQ shared vhost per product: tenant isolation', () => {
  jest.setTimeout(60_000);
  const infra = testInfra();
  const platformRabbitMq = platformRabbitMqUser(infra);
  const admin = new RabbitMqAdminProbe(infra);
  const provisioner = new RabbitMqTenantProvisioner(platformRabbitMq.url);
  const runId = randomBytes(3).toString('hex');
  // A product of this run's own, so its shared vhost is this suite's alone.
  const product = `sv-${runId}`;
  const connections: ChannelModel[] = [];

  const tenant = (tenantId: string) => {
    const names = tenantResourceNames(tenantId, product, 'SCHEMA');
    const request: RabbitMqProvisionRequest = {
      tenantId,
      product,
      mode: 'SCHEMA',
      username: names.rabbitUser,
      password: `pw/${randomBytes(9).toString('base64')}@:%`,
      topology: shared,
    };
    const t = {
      ...request,
      user: names.rabbitUser,
      vhost: names.sharedVhost,
      ownVhost: names.vhost,
      prefix: names.rabbitPrefix,
      /** With the password in force (rotation changes it), or another one. */
      url: (password?: string) =>
        admin.amqpUrl(names.rabbitUser, password ?? t.password, names.sharedVhost),
    };
    return t;
  };
  // `acme2` starts with `acme`: its names must not be within `acme`'s permissions, nor the reverse.
  const a = tenant(`acme-${runId}`);
  const b = tenant(`acme-${runId}2`);
  const c = tenant(`other-${runId}`);
  const tenants = [a, b, c];
  const v = encodeURIComponent(a.vhost);

  const open = async (url: string) => {
    const connection = await connect(url);
    connection.on('error', () => undefined);
    connections.push(connection);
    return connection;
  };

  /**
   * Runs `attempt` on a fresh channel of `connection` and answers the server's refusal: the
   * operation's rejection, or the channel's closing error (a publish is not answered, the broker
   * closes the channel).
   */
  const refusal = async (
    connection: ChannelModel,
    attempt: (channel: Channel) => unknown,
  ): Promise<string> => {
    const channel = await connection.createChannel();
    const closed = new Promise<string>((resolve) =>
      channel.on('error', (error: Error) => resolve(error.message)),
    );
    // A refused call may reject with the channel's closing or only close the channel.
    return Promise.resolve()
      .then(() => attempt(channel))
      .then(
        () => closed,
        (error?: Error) => error?.message ?? closed,
      );
  };

  const names = async (kind: 'queues' | 'exchanges') =>
    (await admin.get<Array<{ name: string }>>(`${kind}/${v}?columns=name`)).map((x) => x.name);

  beforeAll(async () => {
    await platformRabbitMq.ensure();
    for (const t of tenants) await provisioner.provision(t);
    recordExercised(
      'RabbitMQ',
      `${new URL(infra.rabbitmqUrl).host} AMQP (RabbitMQ ${await admin.version()}): shared vhost per product, tenant prefixes`,
    );
  });

  afterAll(async () => {
    provisioner.onApplicationShutdown();
    await Promise.all(connections.map((x) => x.close().catch(() => undefined)));
    for (const t of tenants) await provisioner.deprovision({ tenantId: t.tenantId, product });
    // The last tenant's offboarding removed the shared vhost; this is only in case a test failed.
    await admin.call('DELETE', `vhosts/${v}`);
  });

  it('provisions each tenant in the shared vhost under its prefix, idempotently, with anchored permissions and user limits', async () => {
    await expect(provisioner.provision(a)).resolves.toEqual({
      vhost: `p_${product.replace(/-/g, '_')}`,
      user: a.user,
      isolation: 'SHARED_VHOST',
      prefix: `t.${a.tenantId}.`,
    });
    // No vhost of its own.
    expect(await admin.status(`vhosts/${encodeURIComponent(a.ownVhost)}`)).toBe(404);
    const escaped = `^t\\.acme\\-${runId}\\.`;
    expect(await admin.get(`users/${encodeURIComponent(a.user)}/permissions`)).toEqual([
      { user: a.user, vhost: a.vhost, configure: escaped, write: escaped, read: escaped },
    ]);
    expect(await admin.get(`user-limits/${encodeURIComponent(a.user)}`)).toEqual([
      { user: a.user, value: { 'max-connections': 3, 'max-channels': 2 } },
    ]);
    // Only the tenants' users hold permissions on it: the platform's grant went after declaring.
    const holders = (await admin.get<Array<{ user: string }>>(`vhosts/${v}/permissions`))
      .map((p) => p.user)
      .sort();
    expect(holders).toEqual(tenants.map((t) => t.user).sort());
    const queues = await names('queues');
    for (const t of tenants) {
      for (const q of shared.queues) expect(queues).toContain(`${t.prefix}${q.name}`);
    }
    expect(queues.length).toBe(tenants.length * shared.queues.length);
    const bindings = await admin.get<
      Array<{ source: string; destination: string; routing_key: string }>
    >(`bindings/${v}`);
    const ours = (t: { prefix: string }) =>
      bindings
        .filter((x) => x.source.startsWith(t.prefix))
        .map((x) => `${x.source} -> ${x.destination} (${x.routing_key})`)
        .sort();
    expect(ours(a)).toEqual(
      shared.bindings
        .map((x) => `${a.prefix}${x.exchange} -> ${a.prefix}${x.queue} (${x.routingKey})`)
        .sort(),
    );
    // Every binding from a tenant's exchange goes to that tenant's queue.
    for (const x of bindings.filter((x) => x.source !== '')) {
      const owner = tenants.find((t) => x.source.startsWith(t.prefix));
      expect(owner && x.destination.startsWith(owner.prefix)).toBe(true);
    }
  });

  it("works end to end within the tenant's prefix (publish, route, consume)", async () => {
    const channel = await (await open(a.url())).createChannel();
    const body = randomBytes(4).toString('hex');
    channel.publish(`${a.prefix}ledger.events`, 'transaction.created', Buffer.from(body));
    await expectEventually(async () => {
      const message = await channel.get(`${a.prefix}ledger.transactions`, { noAck: true });
      expect(message && message.content.toString()).toBe(body);
    });
    // The tenant may also declare more under its own prefix (and remove it).
    await channel.assertQueue(`${a.prefix}scratch`, { durable: false });
    await channel.deleteQueue(`${a.prefix}scratch`);
    await channel.close();
  });

  describe("tenant A's credentials against tenant B's resources (B's prefix starts with A's tenant id)", () => {
    const bExchange = () => `${b.prefix}ledger.events`;
    const bQueue = () => `${b.prefix}ledger.transactions`;
    // RabbitMQ 3.10 does not say which of configure, write or read was missing.
    const refused = (kind: string, name: string) =>
      `403 (ACCESS-REFUSED) with message "ACCESS_REFUSED - access to ${kind} '${name}' in vhost '${a.vhost}' refused for user '${a.user}'"`;
    let connection: ChannelModel;

    beforeAll(async () => {
      connection = await open(a.url());
      // B has a message waiting, which no attack may take or drop.
      const own = await (await open(b.url())).createConfirmChannel();
      own.publish(bExchange(), 'transaction.created', Buffer.from('for b only'));
      await own.waitForConfirms();
      await expectEventually(async () => {
        const q = await admin.get<{ messages: number }>(
          `queues/${v}/${encodeURIComponent(bQueue())}`,
        );
        expect(q.messages).toBe(1);
      });
    });

    afterAll(async () => {
      // Nothing of B's was touched: its queue still holds its one message, its bindings are there.
      const q = await admin.get<{ messages: number }>(
        `queues/${v}/${encodeURIComponent(bQueue())}`,
      );
      expect(q.messages).toBe(1);
    });

    it("cannot publish to B's exchange (403)", async () => {
      const message = await refusal(connection, (ch) =>
        ch.publish(bExchange(), 'transaction.created', Buffer.from('forged')),
      );
      expect(message).toContain(refused('exchange', bExchange()));
    });

    it("cannot publish to B's queue through the default exchange (403)", async () => {
      const message = await refusal(connection, (ch) =>
        ch.sendToQueue(bQueue(), Buffer.from('forged')),
      );
      expect(message).toContain(refused('exchange', 'amq.default'));
    });

    it("cannot consume or get from B's queue (403)", async () => {
      expect(await refusal(connection, (ch) => ch.consume(bQueue(), () => undefined))).toContain(
        refused('queue', bQueue()),
      );
      expect(await refusal(connection, (ch) => ch.get(bQueue()))).toContain(
        refused('queue', bQueue()),
      );
    });

    it("cannot declare a queue or an exchange in B's prefix (403)", async () => {
      expect(
        await refusal(connection, (ch) => ch.assertQueue(`${b.prefix}planted`, { durable: false })),
      ).toContain(refused('queue', `${b.prefix}planted`));
      expect(
        await refusal(connection, (ch) => ch.assertExchange(`${b.prefix}planted`, 'fanout')),
      ).toContain(refused('exchange', `${b.prefix}planted`));
      // Nor outside any prefix, nor a server-named queue.
      expect(await refusal(connection, (ch) => ch.assertQueue('unprefixed'))).toContain(
        '403 (ACCESS-REFUSED)',
      );
      expect(await refusal(connection, (ch) => ch.assertQueue(''))).toContain(
        '403 (ACCESS-REFUSED)',
      );
    });

    it("cannot bind B's queue to its own exchange, nor its own queue to B's exchange (403)", async () => {
      expect(
        await refusal(connection, (ch) => ch.bindQueue(bQueue(), `${a.prefix}ledger.events`, '#')),
      ).toContain(refused('queue', bQueue()));
      expect(
        await refusal(connection, (ch) =>
          ch.bindQueue(`${a.prefix}ledger.transactions`, bExchange(), '#'),
        ),
      ).toContain(refused('exchange', bExchange()));
    });

    it("cannot delete or purge B's queue, nor delete B's exchange (403)", async () => {
      expect(await refusal(connection, (ch) => ch.deleteQueue(bQueue()))).toContain(
        refused('queue', bQueue()),
      );
      expect(await refusal(connection, (ch) => ch.purgeQueue(bQueue()))).toContain(
        refused('queue', bQueue()),
      );
      expect(await refusal(connection, (ch) => ch.deleteExchange(bExchange()))).toContain(
        refused('exchange', bExchange()),
      );
    });

    it("passive-declare of B's queue or exchange is NOT refused by RabbitMQ 3.10: it discloses existence and counts, and changes nothing", async () => {
      // The server checks no permission on a passive declare (queue.declare / exchange.declare with
      // passive=true): A learns that B's queue exists, its message and consumer counts, and that
      // B's exchange exists. A name that does not exist is answered 404. Recorded as it is; see
      // the broker-provisioner README.
      const channel = await connection.createChannel();
      await expect(channel.checkQueue(bQueue())).resolves.toEqual({
        queue: bQueue(),
        messageCount: 1,
        consumerCount: 0,
      });
      await expect(channel.checkExchange(bExchange())).resolves.toBeDefined();
      await channel.close();
      expect(await refusal(connection, (ch) => ch.checkQueue(`${b.prefix}nothing`))).toContain(
        '404 (NOT-FOUND)',
      );
      // It reads nothing: getting from the queue is still refused, and the message is still there
      // (checked after this block).
      expect(await refusal(connection, (ch) => ch.get(bQueue()))).toContain(
        refused('queue', bQueue()),
      );
    });
  });

  it('enforces the per-user limits: the channel past max-channels and the connection past max-connections are refused', async () => {
    const connection = await open(c.url());
    const closed = new Promise<string>((resolve) =>
      connection.once('error', (error: Error) => resolve(error.message)),
    );
    await connection.createChannel();
    await connection.createChannel();
    // The third channel is refused by closing the connection.
    const third = await Promise.race([
      connection.createChannel().then(
        () => 'opened',
        (error: Error) => error.message,
      ),
      closed,
    ]);
    expect(third).not.toBe('opened');
    expect(third).toMatch(/channel|limit/i);
    const full = await Promise.all([open(c.url()), open(c.url()), open(c.url())]);
    await expectEventually(async () => {
      const listed = await admin.get<Array<{ user: string }>>('connections?columns=user');
      expect(listed.filter((x) => x.user === c.user).length).toBeGreaterThanOrEqual(3);
    });
    const fourth = await amqpConnectionOpen(c.url());
    expect(fourth).toMatchObject({ opened: false });
    expect(JSON.stringify(fourth)).toMatch(/connection limit \(3\) is reached/);
    await Promise.all(full.map((x) => x.close().catch(() => undefined)));
  });

  it('rotation: the new password opens, the old one is refused (403)', async () => {
    const old = a.password;
    const rotated = { ...a, password: `rotated/${randomBytes(9).toString('base64')}` };
    await provisioner.provision(rotated);
    expect(await amqpConnectionOpen(a.url(old))).toMatchObject({ opened: false, replyCode: 403 });
    expect(await amqpConnectionOpen(a.url(rotated.password))).toEqual({ opened: true });
    // The permissions stay the prefix's.
    expect(
      (
        await admin.get<Array<{ read: string }>>(`users/${encodeURIComponent(a.user)}/permissions`)
      )[0].read,
    ).toBe(`^t\\.acme\\-${runId}\\.`);
    a.password = rotated.password;
  });

  it('suspension clears the permissions and closes connections; resume restores them', async () => {
    const connection = await open(a.url());
    const state = { closed: false, reason: '' };
    connection.on('close', (error?: Error) => {
      state.closed = true;
      state.reason = error?.message ?? '';
    });
    await provisioner.setAccess(a, 'suspended');
    // Closed at once when the API listed it already, else by the re-check a few seconds later.
    await expectEventually(() => expect(state.closed).toBe(true), { timeoutMs: 20_000 });
    expect(state.reason).toMatch(/tenant suspended/);
    expect(await admin.get(`users/${encodeURIComponent(a.user)}/permissions`)).toEqual([]);
    expect(await amqpConnectionOpen(a.url())).toMatchObject({ opened: false, replyCode: 530 });
    // Another tenant of the shared vhost is not affected.
    expect(await amqpConnectionOpen(b.url())).toEqual({ opened: true });

    await provisioner.setAccess(a, 'active');
    expect(await amqpConnectionOpen(a.url())).toEqual({ opened: true });
    const channel = await (await open(a.url())).createChannel();
    await channel.checkQueue(`${a.prefix}ledger.transactions`);
    await channel.close();
  });

  it('a limits change sets the user limits; an upgrade declares the new queue under the prefix', async () => {
    expect(
      await provisioner.applyLimits({ tenantId: b.tenantId, product }, shared, {
        maxConnections: 7,
      }),
    ).toBe(true);
    expect(await admin.get(`user-limits/${encodeURIComponent(b.user)}`)).toEqual([
      { user: b.user, value: { 'max-connections': 7, 'max-channels': 2 } },
    ]);
    const next: RabbitMqTopology = {
      ...shared,
      queues: [...shared.queues, { name: 'ledger.statements' }],
    };
    await provisioner.provision({ ...b, topology: next });
    expect(await names('queues')).toContain(`${b.prefix}ledger.statements`);
    // Another tenant's topology and limits did not move.
    expect(await names('queues')).not.toContain(`${c.prefix}ledger.statements`);
    expect(await admin.get(`user-limits/${encodeURIComponent(c.user)}`)).toEqual([
      { user: c.user, value: { 'max-connections': 3, 'max-channels': 2 } },
    ]);
  });

  it("after a rotation's grace, the tenant's connections opened before it are closed in the shared vhost, others' stay", async () => {
    const before = await open(b.url());
    const other = await open(c.url());
    const closed = { b: false, c: false };
    before.on('close', () => (closed.b = true));
    other.on('close', () => (closed.c = true));
    await expectEventually(async () => {
      const listed = await admin.get<Array<{ user: string }>>(`vhosts/${v}/connections`);
      expect(listed.filter((x) => x.user === b.user).length).toBeGreaterThanOrEqual(1);
    });
    const cutoff = new Date(Date.now() + 1_000);
    await expectEventually(async () => {
      await provisioner.endConnectionsOpenedBefore({ tenantId: b.tenantId, product }, cutoff);
      expect(closed.b).toBe(true);
    });
    expect(closed.c).toBe(false);
  });

  it('offboarding leaves nothing of the tenant and touches nothing else; the shared vhost goes with the last tenant', async () => {
    await Promise.all(connections.map((x) => x.close().catch(() => undefined)));
    const others = async () => ({
      queues: (await names('queues')).filter((n) => !n.startsWith(a.prefix)).sort(),
      exchanges: (await names('exchanges')).filter((n) => !n.startsWith(a.prefix)).sort(),
      bindings: (await admin.get<unknown[]>(`bindings/${v}`))
        .filter((x) => !JSON.stringify(x).includes(a.prefix))
        .map((x) => JSON.stringify(x))
        .sort(),
      permissions: await admin
        .get(`vhosts/${v}/permissions`)
        .then((p) => (p as Array<{ user: string }>).filter((x) => x.user !== a.user)),
      limits: await admin.get(`user-limits/${encodeURIComponent(b.user)}`),
    });
    const before = await others();

    await provisioner.deprovision(a);
    await provisioner.deprovision(a); // safe to repeat

    expect(await admin.status(`users/${encodeURIComponent(a.user)}`)).toBe(404);
    expect(await admin.status(`user-limits/${encodeURIComponent(a.user)}`)).toBe(404);
    const left = JSON.stringify([
      await names('queues'),
      await names('exchanges'),
      await admin.get(`bindings/${v}`),
      await admin.get(`vhosts/${v}/permissions`),
    ]);
    expect(left).not.toContain(a.prefix);
    expect(left).not.toContain(a.user);
    // B and C are exactly as they were, and the shared vhost stays for them.
    expect(await others()).toEqual(before);
    expect(await amqpConnectionOpen(b.url())).toEqual({ opened: true });

    await provisioner.deprovision(b);
    expect(await admin.status(`vhosts/${v}`)).toBe(200);
    await provisioner.deprovision(c);
    expect(await admin.status(`vhosts/${v}`)).toBe(404);
    for (const t of tenants) {
      expect(await admin.status(`users/${encodeURIComponent(t.user)}`)).toBe(404);
    }
  });
});
