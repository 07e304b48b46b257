import {
  CredentialsIssued,
  RegistrationLimits,
  RegistrationLimitsChanged,
  ServiceRegistered,
  registryOrderPath,
  tenantResourceNames,
} from '@enclave/contracts';
import { RegistrationLimitsStore, TenantAccessStore } from '@enclave/lifecycle';
import { RefusedEventError } from '@enclave/messaging';
import { InMemorySecretStore } from '@enclave/secret-store';
import { exampleCatalogIn, recordExercised, testInfra } from '@enclave/testing';
import { ChannelModel, connect } from 'amqplib';
import { randomBytes, randomUUID } from 'node:crypto';
import { CredentialsIssuedHandler } from '../../../apps/broker-provisioner/src/handlers/credentials-issued.handler';
import { RegistrationLimitsChangedHandler } from '../../../apps/broker-provisioner/src/handlers/registration-limits-changed.handler';
import { ServiceRegisteredHandler } from '../../../apps/broker-provisioner/src/handlers/service-registered.handler';
import { RabbitMqStageUseCase } from '../../../apps/broker-provisioner/src/provisioning/rabbitmq-stage.use-case';
import { RabbitMqTenantProvisioner } from '../../../apps/broker-provisioner/src/provisioning/rabbitmq-tenant.provisioner';
import { StageHandlerHarness } from '../support/stage-handler.harness';
import { amqpConnectionOpen } from './amqp-handshake.probe';
import { RabbitMqAdminProbe } from './rabbitmq-admin.probe';

const SCHEMA = 'broker_provisioner';
const NOT_ALLOWED = 530;
/** The example ledger's manifest limits: the defaults. */
const MANIFEST = { 'max-connections': 50, 'max-queues': 100 };

/**
 * A registration's own RabbitMQ limits, applied by the stage's handlers on the real broker: the
 * connection past max-connections is refused, the queue past max-queues refused; a change on a
 * provisioned registration applies (fields left out: the manifest's), a repeated or older change
 * arriving late does not undo a newer one.
 */
describe('per-registration limits on RabbitMQ', () => {
  jest.setTimeout(60_000);
  const infra = testInfra();
  const admin = new RabbitMqAdminProbe(infra);
  const stage = new StageHandlerHarness(SCHEMA, 'broker-provisioner');
  const provisioner = new RabbitMqTenantProvisioner(infra.rabbitmqMgmtUrl);
  const secrets = new InMemorySecretStore();
  const runId = randomBytes(3).toString('hex');
  const tenants: string[] = [];
  const connections: ChannelModel[] = [];
  let issuedHandler: CredentialsIssuedHandler;
  let registeredHandler: ServiceRegisteredHandler;
  let changedHandler: RegistrationLimitsChangedHandler;

  beforeAll(async () => {
    recordExercised('RabbitMQ', `${await admin.version()} per-registration vhost limits`);
    await stage.setUp();
    const catalog = await exampleCatalogIn(stage.dataSource, SCHEMA);
    const access = new TenantAccessStore(stage.dataSource, SCHEMA);
    await access.ensureTables();
    const limits = new RegistrationLimitsStore(stage.dataSource, SCHEMA);
    await limits.ensureTables();
    const use = new RabbitMqStageUseCase(secrets, provisioner, catalog, access, limits);
    issuedHandler = new CredentialsIssuedHandler(use);
    registeredHandler = new ServiceRegisteredHandler(use);
    changedHandler = new RegistrationLimitsChangedHandler(use);
  });

  afterAll(async () => {
    provisioner.onApplicationShutdown();
    await Promise.all(connections.map((c) => c.close().catch(() => undefined)));
    for (const tenantId of tenants) await provisioner.deprovision({ tenantId, product: 'ledger' });
    await stage.tearDown();
  });

  const newRegistration = () => {
    const tenantId = `it-${runId}-${tenants.length}`;
    tenants.push(tenantId);
    return {
      tenantId,
      registrationId: randomUUID(),
      product: 'ledger',
      isolationMode: 'SCHEMA' as const,
    };
  };
  type Registration = ReturnType<typeof newRegistration>;

  const register = (r: Registration, limits?: RegistrationLimits) =>
    stage.deliver(
      ServiceRegistered,
      { ...r, productVersion: '1.0.0', resources: ['rabbitmq'], ...(limits && { limits }) },
      (e, ctx) => registeredHandler.handle(e, ctx),
    );

  /** Provisions the registration's vhost and user; the tenant's AMQP URL. */
  const issue = async (r: Registration) => {
    const names = tenantResourceNames(r.tenantId, 'ledger', 'SCHEMA');
    const password = `pw-${randomBytes(12).toString('hex')}`;
    const ref = await secrets.put(names.secretPath('rabbitmq'), {
      username: names.rabbitUser,
      password,
    });
    await stage.deliver(
      CredentialsIssued,
      { ...r, rotationId: null, productVersion: '1.0.0', credentials: { rabbitmq: ref } },
      (e, ctx) => issuedHandler.handle(e, ctx),
    );
    return admin.amqpUrl(names.rabbitUser, password, names.vhost);
  };

  /** A change as the registry makes one: ordered in the vault (unless older than its last), then delivered. */
  const change = async (r: Registration, revision: number, limits: RegistrationLimits) => {
    const path = registryOrderPath(r.tenantId, 'ledger', 'limits');
    if (Number((await secrets.find(path))?.data.revision ?? 0) < revision) {
      await secrets.put(path, {
        registrationId: r.registrationId,
        revision: String(revision),
        limits: JSON.stringify(limits),
      });
    }
    await forged(r, revision, limits);
  };
  /** Delivered with no order written: what someone writing the topic by hand could send. */
  const forged = (r: Registration, revision: number, limits: RegistrationLimits) =>
    stage.deliver(
      RegistrationLimitsChanged,
      { ...r, revision, limits, productVersion: '1.0.0', resources: ['rabbitmq'] },
      (e, ctx) => changedHandler.handle(e, ctx),
    );

  const snapshot = (r: Registration) => {
    const names = tenantResourceNames(r.tenantId, 'ledger', 'SCHEMA');
    return admin.snapshot(names.vhost, names.rabbitUser);
  };
  const vhostLimits = async (r: Registration) =>
    ((await snapshot(r)).limits as { value: Record<string, number> }[])[0]?.value;

  const open = async (url: string) => {
    const connection = await connect(url);
    connection.on('error', () => undefined);
    connections.push(connection);
    return connection;
  };

  it("a registration's limits are enforced: the connection past max-connections refused, the queue past max-queues refused", async () => {
    const r = newRegistration();
    // The ledger declares its own queues; one more than those fits.
    await register(r, { rabbitmq: { maxConnections: 1 } });
    const url = await issue(r);
    expect(await vhostLimits(r)).toEqual({ 'max-connections': 1, 'max-queues': 100 });
    const declared = (await snapshot(r)).queues.length;

    const first = await open(url);
    expect(await amqpConnectionOpen(url)).toMatchObject({
      opened: false,
      replyCode: NOT_ALLOWED,
      replyText: expect.stringMatching(/connection limit \(1\) is reached/),
    });

    await change(r, 1, { rabbitmq: { maxConnections: 1, maxQueues: declared + 1 } });
    expect(await vhostLimits(r)).toEqual({ 'max-connections': 1, 'max-queues': declared + 1 });
    const channel = await first.createChannel();
    await channel.assertQueue('extra.one', { durable: true });
    const refused = await first
      .createChannel()
      .then((c) => c.assertQueue('extra.two', { durable: true }))
      .then(
        () => 'declared',
        (error: Error) => error.message,
      );
    expect(refused).toMatch(/queue limit in vhost .* is reached/);
    expect((await snapshot(r)).queues.map((q) => q.name)).not.toContain('extra.two');
  });

  it('a change applies, fields left out are back to the manifest; a repeated or older change does not undo a newer one', async () => {
    const r = newRegistration();
    const url = await issue(r);
    expect(await vhostLimits(r)).toEqual(MANIFEST);

    await change(r, 1, { rabbitmq: { maxConnections: 1, maxQueues: 300 } });
    expect(await vhostLimits(r)).toEqual({ 'max-connections': 1, 'max-queues': 300 });
    await open(url);
    expect(await amqpConnectionOpen(url)).toMatchObject({ opened: false, replyCode: NOT_ALLOWED });

    await change(r, 2, { rabbitmq: { maxQueues: 200 } });
    expect(await vhostLimits(r)).toEqual({ 'max-connections': 50, 'max-queues': 200 });
    expect(await amqpConnectionOpen(url)).toEqual({ opened: true });

    // Revision 1 arriving late, revision 2 again, ServiceRegistered replayed: revision 2 stands.
    await change(r, 1, { rabbitmq: { maxConnections: 1, maxQueues: 300 } });
    await change(r, 2, { rabbitmq: { maxQueues: 200 } });
    await register(r, { rabbitmq: { maxConnections: 2 } });
    expect(await vhostLimits(r)).toEqual({ 'max-connections': 50, 'max-queues': 200 });

    // Back to every default.
    await change(r, 3, {});
    expect(await vhostLimits(r)).toEqual(MANIFEST);

    // Forged changes (no order for them): refused, to be dead-lettered, and nothing applied.
    await expect(forged(r, 4, { rabbitmq: { maxConnections: 1 } })).rejects.toBeInstanceOf(
      RefusedEventError,
    );
    await expect(forged(r, 3, { rabbitmq: { maxQueues: 1 } })).rejects.toBeInstanceOf(
      RefusedEventError,
    );
    expect(await vhostLimits(r)).toEqual(MANIFEST);
  });
});
