import {
  CredentialsIssued,
  RegistrationLimits,
  RegistrationLimitsChanged,
  ServiceRegistered,
  registryOrderPath,
} from '@enclave/contracts';
import { RegistrationLimitsStore, TenantAccessStore } from '@enclave/lifecycle';
import { RefusedEventError } from '@enclave/messaging';
import { InMemorySecretStore } from '@enclave/secret-store';
import { exampleCatalogIn } from '@enclave/testing';
import { randomUUID } from 'node:crypto';
import { CredentialsIssuedHandler } from '../../../apps/postgres-provisioner/src/handlers/credentials-issued.handler';
import { RegistrationLimitsChangedHandler } from '../../../apps/postgres-provisioner/src/handlers/registration-limits-changed.handler';
import { ServiceRegisteredHandler } from '../../../apps/postgres-provisioner/src/handlers/service-registered.handler';
import { PostgresStageUseCase } from '../../../apps/postgres-provisioner/src/provisioning/postgres-stage.use-case';
import { StageHandlerHarness } from '../support/stage-handler.harness';
import { PostgresTenantHarness, TestTenant, sqlState } from './postgres-tenant.harness';

const SCHEMA = 'postgres_provisioner';
const TOO_MANY_CONNECTIONS = '53300';
const QUERY_CANCELED = '57014';

/**
 * A registration's own PostgreSQL limits, applied by the stage's handlers on the real server: the
 * connection past the role's limit is refused (53300), a statement past its timeout is cancelled
 * (57014); a change on a provisioned registration applies, a repeated or older change arriving
 * late does not undo a newer one, and a rotation keeps the limits.
 */
describe('per-registration limits on PostgreSQL', () => {
  jest.setTimeout(60_000);
  const pg = new PostgresTenantHarness();
  const stage = new StageHandlerHarness(SCHEMA, 'postgres-provisioner');
  const secrets = new InMemorySecretStore();
  let issuedHandler: CredentialsIssuedHandler;
  let registeredHandler: ServiceRegisteredHandler;
  let changedHandler: RegistrationLimitsChangedHandler;

  beforeAll(async () => {
    await pg.recordExercised();
    await stage.setUp();
    const catalog = await exampleCatalogIn(stage.dataSource, SCHEMA);
    const access = new TenantAccessStore(stage.dataSource, SCHEMA);
    await access.ensureTables();
    const limits = new RegistrationLimitsStore(stage.dataSource, SCHEMA);
    await limits.ensureTables();
    const use = new PostgresStageUseCase(secrets, pg.provisioner, catalog, access, limits);
    issuedHandler = new CredentialsIssuedHandler(use);
    registeredHandler = new ServiceRegisteredHandler(use);
    changedHandler = new RegistrationLimitsChangedHandler(use);
  });

  afterAll(async () => {
    await pg.tearDown();
    await stage.tearDown();
  });

  const registration = (t: TestTenant, registrationId: string) => ({
    tenantId: t.tenantId,
    registrationId,
    product: 'ledger',
    isolationMode: t.mode,
  });

  const register = (t: TestTenant, registrationId: string, limits?: RegistrationLimits) =>
    stage.deliver(
      ServiceRegistered,
      {
        ...registration(t, registrationId),
        productVersion: '1.0.0',
        resources: ['postgres' as const],
        ...(limits && { limits }),
      },
      (e, ctx) => registeredHandler.handle(e, ctx),
    );

  const issue = async (t: TestTenant, registrationId: string, rotationId: string | null = null) => {
    t.password = PostgresTenantHarness.password();
    // As the credential-service writes them: a rotation's version carries its id.
    const ref = await secrets.put(`tenants/${t.tenantId}/ledger/postgres`, {
      username: t.username,
      password: t.password,
      ...(rotationId && { rotationId }),
    });
    await stage.deliver(
      CredentialsIssued,
      {
        ...registration(t, registrationId),
        rotationId,
        productVersion: '1.0.0',
        credentials: { postgres: ref },
      },
      (e, ctx) => issuedHandler.handle(e, ctx),
    );
  };

  /** A change as the registry makes one: ordered in the vault (unless older than its last), then delivered. */
  const change = async (
    t: TestTenant,
    registrationId: string,
    revision: number,
    limits: RegistrationLimits,
  ) => {
    const path = registryOrderPath(t.tenantId, 'ledger', 'limits');
    if (Number((await secrets.find(path))?.data.revision ?? 0) < revision) {
      await secrets.put(path, {
        registrationId,
        revision: String(revision),
        limits: JSON.stringify(limits),
      });
    }
    await forged(t, registrationId, revision, limits);
  };

  /** Delivered with no order written: what someone writing the topic by hand could send. */
  const forged = (
    t: TestTenant,
    registrationId: string,
    revision: number,
    limits: RegistrationLimits,
  ) =>
    stage.deliver(
      RegistrationLimitsChanged,
      {
        ...registration(t, registrationId),
        revision,
        limits,
        productVersion: '1.0.0',
        resources: ['postgres' as const],
      },
      (e, ctx) => changedHandler.handle(e, ctx),
    );

  const connect = (t: TestTenant) => pg.connectAs(t.username, t.password, t.database);

  /** The role's connection limit and statement_timeout as the server keeps them. */
  const roleLimits = async (role: string) => {
    const [row] = await pg.admin<{ rolconnlimit: number; rolconfig: string[] | null }>(
      'postgres',
      'SELECT rolconnlimit, rolconfig FROM pg_roles WHERE rolname = $1',
      [role],
    );
    const timeout = (row.rolconfig ?? []).find((s) => s.startsWith('statement_timeout='));
    return { connectionLimit: row.rolconnlimit, statementTimeout: timeout?.split('=')[1] ?? null };
  };

  it.each(['DATABASE', 'SCHEMA'] as const)(
    "a registration's limits are enforced (%s mode): the connection past the limit refused, the statement past the timeout cancelled",
    async (mode) => {
      const t = pg.tenant(mode, PostgresTenantHarness.tenantId(), 'ledger');
      const id = randomUUID();
      await register(t, id, { postgres: { connectionLimit: 2, statementTimeoutMs: 500 } });
      await issue(t, id);
      expect(await roleLimits(t.username)).toEqual({ connectionLimit: 2, statementTimeout: '500' });

      const first = await connect(t);
      await connect(t);
      expect(await sqlState(connect(t))).toBe(TOO_MANY_CONNECTIONS);

      expect((await first.query('SHOW statement_timeout')).rows[0]).toEqual({
        statement_timeout: '500ms',
      });
      expect(await sqlState(first.query('SELECT pg_sleep(0.1)'))).toBe('resolved');
      expect(await sqlState(first.query('SELECT pg_sleep(3)'))).toBe(QUERY_CANCELED);
      // The timeout is the role's default: a session may lift it for itself (documented limit).
      await first.query('SET statement_timeout = 0');
      expect(await sqlState(first.query('SELECT pg_sleep(0.7)'))).toBe('resolved');
    },
  );

  it('changing the limits of a provisioned registration applies them; a repeated or older change does not undo a newer one; a rotation keeps them', async () => {
    const t = pg.tenant('DATABASE', PostgresTenantHarness.tenantId(), 'ledger');
    const id = randomUUID();
    // Registered with the defaults: the provisioner's 50 connections, no timeout.
    await register(t, id);
    await issue(t, id);
    expect(await roleLimits(t.username)).toEqual({ connectionLimit: 50, statementTimeout: null });
    const open = await connect(t);
    expect(await sqlState(open.query('SELECT pg_sleep(0.7)'))).toBe('resolved');

    await change(t, id, 1, { postgres: { connectionLimit: 1 } });
    expect(await roleLimits(t.username)).toEqual({ connectionLimit: 1, statementTimeout: null });
    // The open session stays; a second one is past the limit.
    expect(await sqlState(connect(t))).toBe(TOO_MANY_CONNECTIONS);
    await open.end();

    await change(t, id, 2, { postgres: { statementTimeoutMs: 300 } });
    // The connection limit is back to its default, the timeout set, for new sessions.
    expect(await roleLimits(t.username)).toEqual({ connectionLimit: 50, statementTimeout: '300' });
    const timed = await connect(t);
    expect(await sqlState(timed.query('SELECT pg_sleep(0.7)'))).toBe(QUERY_CANCELED);

    // Revision 1 arriving late, and revision 2 again: the newer limits stand.
    await change(t, id, 1, { postgres: { connectionLimit: 1 } });
    await change(t, id, 2, { postgres: { statementTimeoutMs: 300 } });
    expect(await roleLimits(t.username)).toEqual({ connectionLimit: 50, statementTimeout: '300' });
    // So does ServiceRegistered replayed with other limits (revision 0).
    await register(t, id, { postgres: { connectionLimit: 3 } });
    expect(await roleLimits(t.username)).toEqual({ connectionLimit: 50, statementTimeout: '300' });

    // A rotation converges the role again: with the limits in force, not the defaults.
    await change(t, id, 3, { postgres: { connectionLimit: 4, statementTimeoutMs: 250 } });
    await issue(t, id, randomUUID());
    expect(await roleLimits(t.username)).toEqual({ connectionLimit: 4, statementTimeout: '250' });

    // Forged changes (no order for them, or other limits under the ordered revision): refused, to
    // be dead-lettered, and the role keeps its limits.
    await expect(forged(t, id, 4, { postgres: { connectionLimit: 1 } })).rejects.toBeInstanceOf(
      RefusedEventError,
    );
    await expect(forged(t, id, 3, {})).rejects.toBeInstanceOf(RefusedEventError);
    expect(await roleLimits(t.username)).toEqual({ connectionLimit: 4, statementTimeout: '250' });
  });

  it('limits changed before the role exists are applied when it is made', async () => {
    const t = pg.tenant('DATABASE', PostgresTenantHarness.tenantId(), 'ledger');
    const id = randomUUID();
    await change(t, id, 1, { postgres: { connectionLimit: 7 } });
    await issue(t, id);
    expect(await roleLimits(t.username)).toEqual({ connectionLimit: 7, statementTimeout: null });
  });
});
