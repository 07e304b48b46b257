import { tenantResourceNames } from '@enclave/contracts';
import { PermanentStageError } from '@enclave/lifecycle';
import { exampleProducts } from '@enclave/product-catalog';
import { recordExercised, testInfra } from '@enclave/testing';
import { randomBytes } from 'node:crypto';
import { connect } from 'amqplib';
import {
  RabbitMqProvisionRequest,
  RabbitMqTenantProvisioner,
  RabbitMqTopology,
} from '../../../apps/broker-provisioner/src/provisioning/rabbitmq-tenant.provisioner';
import { RabbitMqAdminProbe } from './rabbitmq-admin.probe';
import { platformRabbitMqUser } from '../support/rabbitmq-platform-user';

const ledger = exampleProducts.get('ledger')?.resources.rabbitmq as RabbitMqTopology;

/**
 * The RabbitMQ provisioner against the real broker: what it creates, that repeating it (one after
 * another or at the same time) changes nothing, that it never takes over a vhost or user it did not
 * make, and that teardown leaves nothing.
 */
describe('RabbitMqTenantProvisioner on RabbitMQ', () => {
  const infra = testInfra();
  // Driven as the platform's own user, as the app is, not as the bootstrap administrator.
  const platformRabbitMq = platformRabbitMqUser(infra);
  const admin = new RabbitMqAdminProbe(infra);
  const provisioner = new RabbitMqTenantProvisioner(platformRabbitMq.url);
  const runId = randomBytes(3).toString('hex');
  const tenants: string[] = [];
  const handMade: Array<() => Promise<unknown>> = [];

  const newTenant = (label: string) => {
    const tenantId = `it-${runId}-${label}`;
    tenants.push(tenantId);
    return tenantId;
  };
  const requestFor = (
    tenantId: string,
    overrides: Partial<RabbitMqProvisionRequest> = {},
  ): RabbitMqProvisionRequest => {
    const names = tenantResourceNames(tenantId, 'ledger', 'SCHEMA');
    return {
      tenantId,
      product: 'ledger',
      mode: 'SCHEMA',
      username: names.rabbitUser,
      password: `pw-${randomBytes(12).toString('hex')}`,
      topology: ledger,
      ...overrides,
    };
  };

  const tenantA = newTenant('a');
  const requestA = requestFor(tenantA);
  const names = tenantResourceNames(tenantA, 'ledger', 'SCHEMA');
  let resultA: unknown;

  beforeAll(async () => {
    await platformRabbitMq.ensure();
    resultA = await provisioner.provision(requestA);
    recordExercised(
      'RabbitMQ',
      `${new URL(infra.rabbitmqMgmtUrl).host} management API (RabbitMQ ${await admin.version()}): tenant provisioning`,
    );
  });

  afterAll(async () => {
    for (const undo of handMade) await undo();
    for (const tenantId of tenants)
      await provisioner.deprovision({ tenantId, product: 'ledger' }).catch(() => undefined);
  });

  it('creates the vhost, user, permissions, limits, exchanges, queues and bindings, each exactly once', async () => {
    expect(resultA).toEqual({
      vhost: names.vhost,
      user: names.rabbitUser,
      isolation: 'VHOST',
      prefix: null,
    });

    const snap = await admin.snapshot(names.vhost, names.rabbitUser);
    expect(snap.vhost).toEqual({
      name: names.vhost,
      description: `enclave tenant=${tenantA} product=ledger`,
      tags: ['enclave'],
    });
    expect(snap.user).toMatchObject({ name: names.rabbitUser, tags: [] });
    expect(snap.permissions).toEqual([
      { user: names.rabbitUser, vhost: names.vhost, configure: '.*', write: '.*', read: '.*' },
    ]);
    expect(snap.topicPermissions).toEqual([]);
    expect(snap.limits).toEqual([
      { vhost: names.vhost, value: { 'max-connections': 50, 'max-queues': 100 } },
    ]);
    expect(snap.exchanges).toEqual([
      {
        name: 'ledger.dlx',
        type: 'fanout',
        durable: true,
        auto_delete: false,
        internal: false,
        arguments: {},
      },
      {
        name: 'ledger.events',
        type: 'topic',
        durable: true,
        auto_delete: false,
        internal: false,
        arguments: {},
      },
    ]);
    expect(snap.queues).toEqual([
      {
        name: 'ledger.balances',
        durable: true,
        auto_delete: false,
        exclusive: false,
        arguments: { 'x-dead-letter-exchange': 'ledger.dlx' },
      },
      {
        name: 'ledger.dead-letters',
        durable: true,
        auto_delete: false,
        exclusive: false,
        arguments: {},
      },
      {
        name: 'ledger.transactions',
        durable: true,
        auto_delete: false,
        exclusive: false,
        arguments: { 'x-dead-letter-exchange': 'ledger.dlx' },
      },
    ]);
    const binding = (source: string, destination: string, key: string) => ({
      source,
      destination,
      destination_type: 'queue',
      routing_key: key,
      arguments: {},
    });
    expect(snap.bindings).toEqual(
      [
        binding('ledger.dlx', 'ledger.dead-letters', ''),
        binding('ledger.events', 'ledger.balances', 'balance.*'),
        binding('ledger.events', 'ledger.transactions', 'transaction.*'),
      ].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    );
  });

  it('leaves the platform’s own user (not guest) no permissions on the tenant’s vhost, even after an upgrade', async () => {
    const platformUser = decodeURIComponent(new URL(platformRabbitMq.url).username);
    expect(platformUser).not.toBe('guest');
    expect(
      await admin.get<Array<{ tags: string[] }>>(`users/${encodeURIComponent(platformUser)}`),
    ).toMatchObject({ tags: ['administrator'] });
    // Tenant A as provisioned first; then a tenant of its own, brought to a newer version that
    // declares one more queue: granted for that, removed after.
    const on = async (vhost: string) =>
      (
        await admin.get<Array<{ user: string }>>(`vhosts/${encodeURIComponent(vhost)}/permissions`)
      ).map((p) => p.user);
    expect(await on(names.vhost)).toEqual([names.rabbitUser]);
    const tenantV = newTenant('v');
    const namesV = tenantResourceNames(tenantV, 'ledger', 'SCHEMA');
    const requestV = requestFor(tenantV);
    await provisioner.provision(requestV);
    expect(await on(namesV.vhost)).toEqual([namesV.rabbitUser]);
    const upgraded: RabbitMqTopology = {
      ...ledger,
      queues: [...ledger.queues, { name: 'ledger.audit' }],
    };
    await provisioner.provision({ ...requestV, topology: upgraded });
    expect(await admin.status(`queues/${encodeURIComponent(namesV.vhost)}/ledger.audit`)).toBe(200);
    expect(await on(namesV.vhost)).toEqual([namesV.rabbitUser]);
    const v = encodeURIComponent(names.vhost);

    // So its credentials reach no tenant's messages: not through the API, not over AMQP.
    const asPlatform = {
      user: platformUser,
      password: decodeURIComponent(new URL(platformRabbitMq.url).password),
    };
    const peek = await admin.call(
      'POST',
      `queues/${v}/ledger.transactions/get`,
      { count: 1, ackmode: 'ack_requeue_true', encoding: 'auto' },
      asPlatform,
    );
    expect(peek.status).toBe(401);
    await expect(
      connect(admin.amqpUrl(asPlatform.user, asPlatform.password, names.vhost)),
    ).rejects.toThrow(/ConnectionOpenOk|ACCESS_REFUSED|access|530/i);
  });

  it('changes nothing when provisioning again, one after another or twice at once', async () => {
    const before = await admin.snapshot(names.vhost, names.rabbitUser);
    await provisioner.provision(requestA);
    expect(await admin.snapshot(names.vhost, names.rabbitUser)).toEqual(before);
    await Promise.all([provisioner.provision(requestA), provisioner.provision(requestA)]);
    // The user's password hash included: an unchanged password is not even re-salted.
    expect(await admin.snapshot(names.vhost, names.rabbitUser)).toEqual(before);
  });

  it('converges when several first provisions of a tenant race (as replicas redelivering would)', async () => {
    // The broker has races of its own here (a vhost visible before it is started, concurrent user
    // creation, per-limit read-modify-write): several tenants, four runs each, to give them a chance.
    const racers = ['c1', 'c2', 'c3'].map((label) => {
      const tenantId = newTenant(label);
      return {
        tenantId,
        request: requestFor(tenantId),
        names: tenantResourceNames(tenantId, 'ledger', 'SCHEMA'),
      };
    });
    await Promise.all(
      racers.flatMap(({ request }) => [1, 2, 3, 4].map(() => provisioner.provision(request))),
    );

    const snapA = await admin.snapshot(names.vhost, names.rabbitUser);
    // Same structure as a tenant provisioned once, names and password aside.
    const normalise = (snap: typeof snapA, tenantId: string, vhost: string) =>
      JSON.parse(
        JSON.stringify({ ...snap, user: { ...snap.user, password_hash: 'x' } })
          .split(vhost)
          .join('V')
          .split(tenantId)
          .join('T'),
      );
    for (const racer of racers) {
      const snap = await admin.snapshot(racer.names.vhost, racer.names.rabbitUser);
      expect(snap.limits).toEqual([
        { vhost: racer.names.vhost, value: { 'max-connections': 50, 'max-queues': 100 } },
      ]);
      expect(normalise(snap, racer.tenantId, racer.names.vhost)).toEqual(
        normalise(snapA, tenantA, names.vhost),
      );
    }
  });

  it('applies a new password (rotation) and changes nothing else', async () => {
    const tenantR = newTenant('r');
    const first = requestFor(tenantR);
    const namesR = tenantResourceNames(tenantR, 'ledger', 'SCHEMA');
    await provisioner.provision(first);
    const before = await admin.snapshot(namesR.vhost, namesR.rabbitUser);
    const rotated = { ...first, password: `pw-${randomBytes(12).toString('hex')}` };
    await provisioner.provision(rotated);
    const after = await admin.snapshot(namesR.vhost, namesR.rabbitUser);
    expect(after.user.password_hash).not.toEqual(before.user.password_hash);
    expect({ ...after, user: null }).toEqual({ ...before, user: null });

    const connection = await connect(
      admin.amqpUrl(namesR.rabbitUser, rotated.password, namesR.vhost),
    );
    await connection.close();
    await expect(
      connect(admin.amqpUrl(namesR.rabbitUser, first.password, namesR.vhost)),
    ).rejects.toThrow(/ACCESS_REFUSED/);
  });

  it('refuses, permanently, a user name other than the derived one', async () => {
    const tenantU = newTenant('u');
    // The administrator's own name, the worst user to hand a tenant's password to.
    const adminUser = platformRabbitMq.user;
    const adminBefore = await admin.get(`users/${encodeURIComponent(adminUser)}`);
    const error = await provisioner
      .provision(requestFor(tenantU, { username: adminUser }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentStageError);
    expect((error as Error).message).toContain(`names user ${adminUser}, expected t_it_`);
    expect(await admin.get(`users/${encodeURIComponent(adminUser)}`)).toEqual(adminBefore);
    expect(
      await admin.status(`vhosts/${tenantResourceNames(tenantU, 'ledger', 'SCHEMA').vhost}`),
    ).toBe(404);
  });

  it('refuses a vhost it did not make, and leaves it alone (provision and teardown)', async () => {
    const tenantF = newTenant('f');
    const namesF = tenantResourceNames(tenantF, 'ledger', 'SCHEMA');
    const v = encodeURIComponent(namesF.vhost);
    expect(
      (await admin.call('PUT', `vhosts/${v}`, { description: 'made by hand', tags: '' })).status,
    ).toBe(201);
    handMade.push(() => admin.call('DELETE', `vhosts/${v}`));

    const error = await provisioner.provision(requestFor(tenantF)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentStageError);
    expect(error).toMatchObject({
      retryable: false,
      message: expect.stringMatching(/not marked as "enclave tenant=it-.* product=ledger"/),
    });
    await expect(
      provisioner.deprovision({ tenantId: tenantF, product: 'ledger' }),
    ).rejects.toBeInstanceOf(PermanentStageError);

    expect(await admin.get(`vhosts/${v}`)).toMatchObject({ description: 'made by hand', tags: [] });
    expect(await admin.status(`users/${encodeURIComponent(namesF.rabbitUser)}`)).toBe(404);
    expect(await admin.get(`vhost-limits/${v}`)).toEqual([]);
  });

  it('refuses a user it did not make (tagged, or with access elsewhere), and leaves it alone', async () => {
    const tenantG = newTenant('g');
    const namesG = tenantResourceNames(tenantG, 'ledger', 'SCHEMA');
    const u = encodeURIComponent(namesG.rabbitUser);
    expect(
      (await admin.call('PUT', `users/${u}`, { password: 'operator-pw', tags: 'monitoring' }))
        .status,
    ).toBe(201);
    handMade.push(() => admin.call('DELETE', `users/${u}`));
    const before = await admin.get(`users/${u}`);

    const error = await provisioner.provision(requestFor(tenantG)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentStageError);
    expect((error as Error).message).toMatch(/was not made by the platform \(tags: \[monitoring\]/);
    expect(await admin.get(`users/${u}`)).toEqual(before);
    expect(await admin.status(`vhosts/${encodeURIComponent(namesG.vhost)}`)).toBe(404);

    // Untagged, but with permissions on the default vhost: not one of ours either.
    await admin.call('PUT', `users/${u}`, { password: 'operator-pw', tags: '' });
    await admin.call('PUT', `permissions/%2F/${u}`, { configure: '', write: '', read: '.*' });
    await expect(provisioner.provision(requestFor(tenantG))).rejects.toThrow(
      /other vhosts: \[\/\]/,
    );
  });

  it('fails permanently when the manifest no longer matches a declared queue', async () => {
    const changed: RabbitMqTopology = {
      ...ledger,
      queues: ledger.queues.map((q) =>
        q.name === 'ledger.dead-letters' ? { ...q, deadLetterExchange: 'ledger.events' } : q,
      ),
    };
    const error = await provisioner
      .provision({ ...requestA, topology: changed })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 400,
      retryable: false,
      reason: expect.stringContaining("inequivalent arg 'x-dead-letter-exchange'"),
    });
  });

  it('tears down to nothing, and tearing down again is fine', async () => {
    await provisioner.deprovision({ tenantId: tenantA, product: 'ledger' });
    expect(await admin.status(`vhosts/${encodeURIComponent(names.vhost)}`)).toBe(404);
    expect(await admin.status(`users/${encodeURIComponent(names.rabbitUser)}`)).toBe(404);
    expect(await admin.get(`permissions`)).not.toContainEqual(
      expect.objectContaining({ vhost: names.vhost }),
    );
    await provisioner.deprovision({ tenantId: tenantA, product: 'ledger' });
    await Promise.all([
      provisioner.deprovision({ tenantId: tenantA, product: 'ledger' }),
      provisioner.deprovision({ tenantId: tenantA, product: 'ledger' }),
    ]);
    expect(await admin.status(`vhosts/${encodeURIComponent(names.vhost)}`)).toBe(404);
  });
});
