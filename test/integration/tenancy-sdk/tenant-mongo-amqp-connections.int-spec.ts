import { recordExercised, recordNotExercised } from '@enclave/testing';
import { TenancyWorld, WorldTenant } from './tenancy-world';

/**
 * The SDK's MongoDB clients and AMQP connections on the real servers: each tenant's lease reaches its
 * own Mongo database and its own vhost, under the caps, and invalidate swaps them without breaking
 * work in flight.
 */
describe('tenancy SDK: per-tenant MongoDB and AMQP connections', () => {
  const world = new TenancyWorld();
  let a: WorldTenant;
  let b: WorldTenant;

  beforeAll(async () => {
    await world.start();
    a = await world.addTenant('ma', 'SCHEMA', ['mongodb', 'rabbitmq']);
    b = await world.addTenant('mb', 'DATABASE', ['mongodb', 'rabbitmq']);
    recordExercised('RabbitMQ', 'tenancy SDK: per-tenant vhost connections');
    if (!world.mongoUsers) {
      recordNotExercised(
        'MongoDB',
        'tenancy SDK login as the tenant user',
        `${world.infra.mongoServerKind} has no user management: the SDK connects with authenticate=false`,
      );
    }
  }, 30_000);

  afterAll(() => world.stop(), 30_000);

  it("each tenant's Mongo lease is its own database; an evicted client is closed and rebuilt", async () => {
    const manager = world.manager({
      mongodb: { poolSize: 2, maxClients: 1, authenticate: world.mongoUsers },
    });
    for (const [tenant, value] of [
      [a, 'a-1'],
      [b, 'b-1'],
      [a, 'a-2'],
      [b, 'b-2'],
    ] as const) {
      const lease = await manager.mongodb(tenant.tenantId);
      try {
        expect(lease.db.databaseName).toBe(tenant.names.mongoDatabase);
        await lease.db.collection('entries').insertOne({ value });
        const values = (await lease.db.collection('entries').find().toArray()).map((d) => d.value);
        expect(values.every((v) => String(v).startsWith(tenant === a ? 'a-' : 'b-'))).toBe(true);
      } finally {
        lease.release();
      }
    }
    // maxClients 1: the tenants took turns, so at most one client was ever open.
    expect(manager.stats().mongodb).toMatchObject({ entries: 1, reservedEntries: 1, leases: 0 });
    await manager.close();
  });

  it("each tenant's AMQP lease is on its own vhost; invalidate keeps the old connection until released", async () => {
    const manager = world.manager({ rabbitmq: { maxConnections: 2 } });
    const leaseA = await manager.rabbitmq(a.tenantId);
    const channelA = await leaseA.connection.createConfirmChannel();
    await channelA.assertQueue('orders', { durable: false });
    channelA.sendToQueue('orders', Buffer.from('for a'));
    await channelA.waitForConfirms();

    const leaseB = await manager.rabbitmq(b.tenantId);
    const channelB = await leaseB.connection.createChannel();
    channelB.on('error', () => undefined);
    // The queue A declared does not exist in B's vhost (404 closes B's channel).
    await expect(channelB.checkQueue('orders')).rejects.toThrow(/NOT_FOUND/);
    leaseB.release();

    manager.invalidate(a.tenantId);
    const freshA = await manager.rabbitmq(a.tenantId);
    expect(freshA.connection).not.toBe(leaseA.connection);
    // The old connection still works for the work in flight...
    expect((await channelA.checkQueue('orders')).messageCount).toBe(1);
    const closed = new Promise((resolve) => leaseA.connection.once('close', resolve));
    leaseA.release(); // ...and closes once released.
    await closed;
    const check = await freshA.connection.createChannel();
    expect((await check.checkQueue('orders')).messageCount).toBe(1);
    await check.close();
    freshA.release();
    expect(manager.stats().rabbitmq).toMatchObject({ leases: 0 });
    await manager.close();
  });
});
