import {
  CredentialsIssued,
  CredentialsIssuedPayload,
  TenantStatus,
  TenantStatusChanged,
  tenantStatusOrderPath,
} from '@enclave/contracts';
import {
  ChangeTenantAccessUseCase,
  SessionCutoffSweeper,
  TenantAccessStore,
  TenantStatusChangedHandler,
} from '@enclave/lifecycle';
import { InMemorySecretStore } from '@enclave/secret-store';
import { exampleCatalogIn, expectEventually } from '@enclave/testing';
import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { CredentialsIssuedHandler } from '../../../apps/postgres-provisioner/src/handlers/credentials-issued.handler';
import { PostgresStageUseCase } from '../../../apps/postgres-provisioner/src/provisioning/postgres-stage.use-case';
import { PostgresTenantAccessEnforcer } from '../../../apps/postgres-provisioner/src/provisioning/postgres-tenant-access.enforcer';
import { StageHandlerHarness } from '../support/stage-handler.harness';
import { PostgresTenantHarness, TestTenant, sqlState } from './postgres-tenant.harness';

const SCHEMA = 'postgres_provisioner';
const NOT_PERMITTED_TO_LOG_IN = '28000';
const ADMIN_SHUTDOWN = '57P01';
const GRACE_SECONDS = 2;
const INVALID_PASSWORD = '28P01';

/**
 * Suspension and rotation enforced by the PostgreSQL server, through the stage's own handlers on
 * real servers: the tenant's open session is ended and a new one refused ("not permitted to log
 * in"), resuming lets it in again, a replayed older suspension changes nothing, and after a
 * rotation the sessions opened before it end once the grace is over and the old password is refused
 * (the suite's server requires scram-sha-256, so the password check is the server's own).
 */
describe('tenant suspension and rotation grace on PostgreSQL', () => {
  // Teardown drops several databases: slow on a busy server.
  jest.setTimeout(60_000);
  const pg = new PostgresTenantHarness();
  const stage = new StageHandlerHarness(SCHEMA, 'postgres-provisioner');
  const secrets = new InMemorySecretStore();
  let access: TenantAccessStore;
  let issuedHandler: CredentialsIssuedHandler;
  let statusHandler: TenantStatusChangedHandler;
  let sweeper: SessionCutoffSweeper;

  beforeAll(async () => {
    await pg.recordExercised();
    await stage.setUp();
    const catalog = await exampleCatalogIn(stage.dataSource, SCHEMA);
    access = new TenantAccessStore(stage.dataSource, SCHEMA, GRACE_SECONDS);
    await access.ensureTables();
    const enforcer = new PostgresTenantAccessEnforcer(pg.provisioner);
    issuedHandler = new CredentialsIssuedHandler(
      new PostgresStageUseCase(secrets, pg.provisioner, catalog, access),
    );
    statusHandler = new TenantStatusChangedHandler(
      new ChangeTenantAccessUseCase(access, enforcer, secrets),
    );
    sweeper = new SessionCutoffSweeper(access, enforcer);
  });

  afterAll(async () => {
    await sweeper.onApplicationShutdown();
    await pg.tearDown();
    await stage.tearDown();
  });

  /** A tenant of a catalog product (DATABASE mode: a database of its own), provisioned by the stage. */
  const provisioned = async (
    product: 'ledger' | 'tracer',
    tenantId = PostgresTenantHarness.tenantId(),
    rotationId: string | null = null,
    tenant = pg.tenant('DATABASE', tenantId, product),
  ): Promise<TestTenant> => {
    tenant.password = PostgresTenantHarness.password();
    const names = { username: tenant.username, password: tenant.password };
    // Tagged with the rotation, as the credential-service writes it (the stage checks the tag).
    const ref = await secrets.put(`tenants/${tenant.tenantId}/${product}/postgres`, {
      ...names,
      ...(rotationId ? { rotationId } : {}),
    });
    const payload: CredentialsIssuedPayload = {
      tenantId: tenant.tenantId,
      registrationId: randomUUID(),
      product,
      isolationMode: 'DATABASE',
      rotationId,
      productVersion: '1.0.0',
      credentials: { postgres: ref },
    };
    await stage.deliver(CredentialsIssued, payload, (e, ctx) => issuedHandler.handle(e, ctx));
    const { envelopes } = await stage.published();
    expect(envelopes.at(-1)).toMatchObject({
      type: 'PostgresProvisioned',
      payload: { tenantId: tenant.tenantId, product },
    });
    return tenant;
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

  /** A session as the tenant, with the SQLSTATE the server ended it with (if it did). */
  const session = async (t: TestTenant) => {
    const client = await pg.connectAs(t.username, t.password, t.database);
    const ended: string[] = [];
    client.on('error', (error: Error & { code?: string }) => ended.push(error.code ?? 'no code'));
    await client.query('SELECT 1');
    return { client, ended };
  };

  const canLogIn = async (role: string) =>
    (
      await pg.admin<{ rolcanlogin: boolean }>(
        'postgres',
        'SELECT rolcanlogin FROM pg_roles WHERE rolname = $1',
        [role],
      )
    )[0].rolcanlogin;

  const alive = async (client: Client) => sqlState(client.query('SELECT 1'));

  it('suspension ends the open session and refuses new ones; resuming lets the tenant in again', async () => {
    const t = await provisioned('ledger');
    const open = await session(t);

    await changeStatus(t.tenantId, 'suspended', 1);
    await expectEventually(() => expect(open.ended).toContain(ADMIN_SHUTDOWN));
    expect(await sqlState(pg.connectAs(t.username, t.password, t.database))).toBe(
      NOT_PERMITTED_TO_LOG_IN,
    );
    expect(await canLogIn(t.username)).toBe(false);

    // The same change again (a redelivery written as a new event) changes nothing.
    await changeStatus(t.tenantId, 'suspended', 1);
    expect(await canLogIn(t.username)).toBe(false);

    await changeStatus(t.tenantId, 'active', 2);
    const back = await session(t);
    expect(await alive(back.client)).toBe('resolved');

    // The older suspension, replayed after the resumption: the newer status stands.
    await changeStatus(t.tenantId, 'suspended', 1);
    expect(await canLogIn(t.username)).toBe(true);
    expect(await alive(back.client)).toBe('resolved');
    expect(back.ended).toEqual([]);
  });

  it("a rotation's credentials applied to a suspended tenant keep its login disabled, and a registration made while suspended comes up unable to log in", async () => {
    const t = await provisioned('ledger');
    await changeStatus(t.tenantId, 'suspended', 1);
    // A rotation re-applies the role (ALTER ROLE ... PASSWORD): it must not give LOGIN back.
    await provisioned('ledger', t.tenantId, randomUUID(), t);
    expect(await canLogIn(t.username)).toBe(false);

    const second = await provisioned('tracer', t.tenantId);
    expect(await canLogIn(second.username)).toBe(false);
    expect(await sqlState(pg.connectAs(second.username, second.password, second.database))).toBe(
      NOT_PERMITTED_TO_LOG_IN,
    );

    // Resuming restores both registrations' logins.
    await changeStatus(t.tenantId, 'active', 2);
    expect(await canLogIn(t.username)).toBe(true);
    expect(await alive((await session(second)).client)).toBe('resolved');
  });

  it(`after a rotation, sessions opened before it end once the grace (${GRACE_SECONDS} s) is over; newer ones stay`, async () => {
    const t = await provisioned('ledger');
    const old = await session(t);
    const oldPassword = t.password;
    const rotatedAt = Date.now();
    await provisioned('ledger', t.tenantId, randomUUID(), t);
    // No new session with the rotated-out password: the server's own check refuses it (28P01).
    expect(await sqlState(pg.connectAs(t.username, oldPassword, t.database))).toBe(
      INVALID_PASSWORD,
    );
    const fresh = await session(t);

    sweeper.onModuleInit();
    // Within the grace the old session still works (products drain their pools meanwhile).
    expect(await alive(old.client)).toBe('resolved');
    await expectEventually(() => expect(old.ended).toContain(ADMIN_SHUTDOWN), {
      timeoutMs: 15_000,
    });
    expect(Date.now() - rotatedAt).toBeGreaterThanOrEqual(GRACE_SECONDS * 1000);
    expect(await alive(fresh.client)).toBe('resolved');
    expect(fresh.ended).toEqual([]);
    // The cutoff is done with: nothing is left to sweep.
    expect(await sweeper.sweep(new Date(Date.now() + 60_000))).toBe(0);
  });
});
