import {
  CredentialsIssued,
  CredentialsIssuedPayload,
  TenantStatus,
  TenantStatusChanged,
  tenantResourceNames,
  tenantStatusOrderPath,
} from '@enclave/contracts';
import {
  ChangeTenantAccessUseCase,
  SessionCutoffSweeper,
  TenantAccessStore,
  TenantStatusChangedHandler,
} from '@enclave/lifecycle';
import { InMemorySecretStore } from '@enclave/secret-store';
import { exampleCatalogIn, expectEventually, recordExercised, testInfra } from '@enclave/testing';
import { ChannelModel, connect } from 'amqplib';
import { randomBytes, randomUUID } from 'node:crypto';
import { CredentialsIssuedHandler } from '../../../apps/broker-provisioner/src/handlers/credentials-issued.handler';
import { RabbitMqStageUseCase } from '../../../apps/broker-provisioner/src/provisioning/rabbitmq-stage.use-case';
import { RabbitMqTenantAccessEnforcer } from '../../../apps/broker-provisioner/src/provisioning/rabbitmq-tenant-access.enforcer';
import { RabbitMqTenantProvisioner } from '../../../apps/broker-provisioner/src/provisioning/rabbitmq-tenant.provisioner';
import { StageHandlerHarness } from '../support/stage-handler.harness';
import { amqpConnectionOpen } from './amqp-handshake.probe';
import { RabbitMqAdminProbe } from './rabbitmq-admin.probe';
import { platformRabbitMqUser } from '../support/rabbitmq-platform-user';

const SCHEMA = 'broker_provisioner';
const GRACE_SECONDS = 2;
const ACCESS_REFUSED = 530; // NOT_ALLOWED: "access to vhost refused"

/**
 * Suspension and rotation enforced by RabbitMQ, through the stage's own handlers on the real broker:
 * the tenant's open connection is closed and a new one refused access to its vhost, resuming lets
 * it in again, a replayed older suspension changes nothing, and after a rotation the connections
 * opened before it close once the grace is over. Connections reach the management API a few
 * seconds after they open, so the stage looks again later; the waits here allow for that.
 */
describe('tenant suspension and rotation grace on RabbitMQ', () => {
  jest.setTimeout(60_000);
  const infra = testInfra();
  // Driven as the platform's own user, as the app is, not as the bootstrap administrator.
  const platformRabbitMq = platformRabbitMqUser(infra);
  const admin = new RabbitMqAdminProbe(infra);
  const stage = new StageHandlerHarness(SCHEMA, 'broker-provisioner');
  const provisioner = new RabbitMqTenantProvisioner(platformRabbitMq.url);
  const secrets = new InMemorySecretStore();
  const runId = randomBytes(3).toString('hex');
  const tenants: string[] = [];
  const connections: ChannelModel[] = [];
  let issuedHandler: CredentialsIssuedHandler;
  let statusHandler: TenantStatusChangedHandler;
  let sweeper: SessionCutoffSweeper;

  beforeAll(async () => {
    await platformRabbitMq.ensure();
    recordExercised('RabbitMQ', `${await admin.version()} tenant suspension and rotation grace`);
    await stage.setUp();
    const catalog = await exampleCatalogIn(stage.dataSource, SCHEMA);
    const access = new TenantAccessStore(stage.dataSource, SCHEMA, GRACE_SECONDS);
    await access.ensureTables();
    const enforcer = new RabbitMqTenantAccessEnforcer(provisioner);
    issuedHandler = new CredentialsIssuedHandler(
      new RabbitMqStageUseCase(secrets, provisioner, catalog, access),
    );
    statusHandler = new TenantStatusChangedHandler(
      new ChangeTenantAccessUseCase(access, enforcer, secrets),
    );
    sweeper = new SessionCutoffSweeper(access, enforcer);
  });

  afterAll(async () => {
    await sweeper.onApplicationShutdown();
    provisioner.onApplicationShutdown();
    await Promise.all(connections.map((c) => c.close().catch(() => undefined)));
    for (const tenantId of tenants) await provisioner.deprovision({ tenantId, product: 'ledger' });
    await stage.tearDown();
  });

  /** Provisions (or, with a rotation id, re-applies a new password for) the tenant's ledger. */
  const provisioned = async (tenantId: string, rotationId: string | null = null) => {
    const names = tenantResourceNames(tenantId, 'ledger', 'SCHEMA');
    const password = `pw-${randomBytes(12).toString('hex')}`;
    // Tagged with the rotation, as the credential-service writes it (the stage checks the tag).
    const ref = await secrets.put(names.secretPath('rabbitmq'), {
      username: names.rabbitUser,
      password,
      ...(rotationId ? { rotationId } : {}),
    });
    const payload: CredentialsIssuedPayload = {
      tenantId,
      registrationId: randomUUID(),
      product: 'ledger',
      isolationMode: 'SCHEMA',
      rotationId,
      productVersion: '1.0.0',
      credentials: { rabbitmq: ref },
    };
    await stage.deliver(CredentialsIssued, payload, (e, ctx) => issuedHandler.handle(e, ctx));
    const { envelopes } = await stage.published();
    expect(envelopes.at(-1)).toMatchObject({ type: 'BrokerProvisioned', payload: { tenantId } });
    return admin.amqpUrl(names.rabbitUser, password, names.vhost);
  };

  const newTenant = () => {
    const tenantId = `it-${runId}-${tenants.length}`;
    tenants.push(tenantId);
    return tenantId;
  };

  /** The registry's change: ordered in the vault (unless older than its last), then delivered. */
  const changeStatus = async (tenantId: string, status: TenantStatus, revision: number) => {
    const ordered = await secrets.find(tenantStatusOrderPath(tenantId));
    if (Number(ordered?.data.revision ?? 0) < revision) {
      await secrets.put(tenantStatusOrderPath(tenantId), { status, revision: String(revision) });
    }
    await stage.deliver(
      TenantStatusChanged,
      { tenantId, status, revision, reason: status === 'suspended' ? 'unpaid invoice' : null },
      (e, ctx) => statusHandler.handle(e, ctx),
    );
  };

  /** An amqplib connection with a channel, and whether (and why) the broker closed it. */
  const open = async (url: string) => {
    const connection = await connect(url);
    connections.push(connection);
    const state = { closed: false, reason: '' };
    connection.on('error', () => undefined);
    connection.on('close', (error?: Error) => {
      state.closed = true;
      state.reason = error?.message ?? '';
    });
    await connection.createChannel();
    return state;
  };

  it('suspension closes the open connection and refuses the vhost to new ones; resuming lets the tenant in again', async () => {
    const tenantId = newTenant();
    const url = await provisioned(tenantId);
    const before = await open(url);

    await changeStatus(tenantId, 'suspended', 1);
    await expectEventually(() => expect(before.closed).toBe(true), { timeoutMs: 20_000 });
    expect(before.reason).toMatch(/tenant suspended/);
    expect(await amqpConnectionOpen(url)).toMatchObject({
      opened: false,
      replyCode: ACCESS_REFUSED,
    });

    await changeStatus(tenantId, 'active', 2);
    expect(await amqpConnectionOpen(url)).toEqual({ opened: true });
    const after = await open(url);

    // The older suspension, replayed after the resumption: the newer status stands.
    await changeStatus(tenantId, 'suspended', 1);
    expect(await amqpConnectionOpen(url)).toEqual({ opened: true });
    expect(after.closed).toBe(false);
  });

  it('a registration provisioned (or rotated) while its tenant is suspended gets no access', async () => {
    const tenantId = newTenant();
    await provisioned(tenantId);
    await changeStatus(tenantId, 'suspended', 1);
    const rotated = await provisioned(tenantId, randomUUID());
    expect(await amqpConnectionOpen(rotated)).toMatchObject({
      opened: false,
      replyCode: ACCESS_REFUSED,
    });
    await changeStatus(tenantId, 'active', 2);
    expect(await amqpConnectionOpen(rotated)).toEqual({ opened: true });
  });

  it(`after a rotation, connections opened before it close once the grace (${GRACE_SECONDS} s) is over; newer ones stay`, async () => {
    const tenantId = newTenant();
    const oldUrl = await provisioned(tenantId);
    const old = await open(oldUrl);
    const rotatedAt = Date.now();
    const newUrl = await provisioned(tenantId, randomUUID());
    const fresh = await open(newUrl);

    sweeper.onModuleInit();
    await expectEventually(() => expect(old.closed).toBe(true), { timeoutMs: 20_000 });
    expect(old.reason).toMatch(/credentials rotated/);
    expect(Date.now() - rotatedAt).toBeGreaterThanOrEqual(GRACE_SECONDS * 1000);
    expect(fresh.closed).toBe(false);
    // The old password no longer opens the broker; the new one does.
    expect(await amqpConnectionOpen(oldUrl)).toMatchObject({ opened: false });
    expect(await amqpConnectionOpen(newUrl)).toEqual({ opened: true });
  });

  it('leaves the platform’s own user no permissions on any of these tenants’ vhosts', async () => {
    const held = await admin.get<Array<{ vhost: string }>>(
      `users/${encodeURIComponent(platformRabbitMq.user)}/permissions`,
    );
    const ours = new Set(tenants.map((t) => tenantResourceNames(t, 'ledger', 'SCHEMA').vhost));
    expect(tenants.length).toBeGreaterThan(0);
    expect(held.filter((p) => ours.has(p.vhost))).toEqual([]);
  });
});
