import {
  CredentialsIssued,
  CredentialsRotated,
  EventDefinition,
  ServiceDeprovisionRequested,
  TenantStatusChanged,
  Topics,
  deadLetterTopicOf,
  platformEventCatalog,
  tenantResourceNames,
} from '@enclave/contracts';
import { expectEventually } from '@enclave/testing';
import { Partitioners, Producer } from 'kafkajs';
import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import { PlatformHarness } from './support/platform.harness';
import { TenantCredentials } from './support/tenant-credentials';
import { TenantResources } from './support/tenant-resources';

type Collected = Awaited<ReturnType<PlatformHarness['collect']>>;

/**
 * Defence in depth behind Kafka's ACLs: someone holding a leaked credential that may write these
 * topics (the registry's, or the super-user's) could still hand-write events. These are the events
 * such an attacker would write, published with the harness's own producer (the super-user) onto the
 * platform's real topics. The handlers check them where the state is owned (the registry's orders
 * and the credentials the credential-service vaulted, both in the vault) and refuse them: each is
 * dead-lettered with its cause, and nothing is dropped or moved.
 */
describe('forged commands on the bus', () => {
  const platform = new PlatformHarness();
  const victim = `fv-${platform.runId}`;
  const attacker = `fa-${platform.runId}`;
  const resources = new TenantResources(platform.infra);
  let credentials: TenantCredentials;
  const victimNames = tenantResourceNames(victim, 'ledger', 'SCHEMA');
  const attackerNames = tenantResourceNames(attacker, 'ledger', 'SCHEMA');
  let producer: Producer;
  let ledgerToken: string;
  let victimRegistration: { id: string; productVersion: string | null };
  let attackerRegistration: { id: string; productVersion: string | null };
  const letters = new Map<string, Collected>();

  const connection = (tenantId: string) =>
    platform.api(
      'GET',
      `/v1/products/ledger/tenants/${tenantId}/connection`,
      undefined,
      ledgerToken,
    );

  /** Publishes a hand-written event, as anyone on the bus could. */
  const forge = async <P>(def: EventDefinition<string, P>, payload: P, tenantId: string) => {
    const event = platformEventCatalog.envelope(def, payload, {
      tenantId,
      producer: 'attacker',
    });
    await producer.send({
      topic: platform.topic(def.topic),
      messages: [{ key: def.partitionKey(payload), value: JSON.stringify(event) }],
    });
    return event;
  };

  /** The dead letters of `event`, by consumer group, once every group in `groups` has one. */
  const deadLettered = (topic: string, eventId: string, groups: string[]) =>
    expectEventually(
      () => {
        const byGroup = new Map<string, Record<string, string>>();
        for (const m of letters.get(topic)!) {
          if (!m.message.value!.toString().includes(eventId)) continue;
          const headers = Object.fromEntries(
            Object.entries(m.message.headers ?? {}).map(([k, v]) => [k, String(v)]),
          );
          byGroup.set(headers['x-dlq-consumer-group'], headers);
        }
        expect([...byGroup.keys()].sort()).toEqual(groups.map((g) => platform.groupOf(g)).sort());
        return byGroup;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );

  /** The PostgreSQL verifier of a role: it changes whenever a password is applied. */
  const verifierOf = async (role: string) =>
    (
      await platform.platformQuery<{ verifier: string }>(
        'SELECT rolpassword AS verifier FROM pg_authid WHERE rolname = $1',
        [role],
      )
    )[0]?.verifier;

  const liveSecrets = (tenantId: string) =>
    platform.platformQuery<{ path: string; version: number }>(
      `SELECT path, max(version)::int AS version FROM enclave_vault.secret_version
        WHERE revoked_at IS NULL AND path LIKE $1 GROUP BY path ORDER BY path`,
      [`tenants/${tenantId}/%`],
    );

  beforeAll(async () => {
    await platform.start();
    credentials = new TenantCredentials(platform.db.url, platform.encryptionKeyForTests);
    for (const topic of [
      Topics.ServiceDeprovisionRequested,
      Topics.CredentialsRotated,
      Topics.CredentialsIssued,
      Topics.TenantStatusChanged,
    ]) {
      letters.set(topic, await platform.collect(deadLetterTopicOf(topic)));
    }
    producer = platform.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    for (const id of [victim, attacker]) {
      expect((await platform.api('POST', '/v1/tenants', { id, displayName: id })).status).toBe(201);
      await platform.api('POST', `/v1/tenants/${id}/services`, { product: 'ledger' });
    }
    victimRegistration = await platform.waitForState(victim, 'ledger', 'ready', 120_000);
    attackerRegistration = await platform.waitForState(attacker, 'ledger', 'ready', 120_000);
    ledgerToken = (await platform.api('POST', '/v1/products/ledger/api-token')).body.token;
  }, 300_000);

  afterAll(async () => {
    await producer?.disconnect();
    await credentials?.close();
    await platform.stop();
    await resources.cleanUp([victim, attacker]);
  }, 60_000);

  it('refuses a forged offboarding of a Ready registration: dead-lettered with the cause by every stage, nothing dropped, the product still served', async () => {
    const before = await connection(victim);
    expect(before.status).toBe(200);
    const secretsBefore = await liveSecrets(victim);
    expect(secretsBefore).toHaveLength(3);

    // Exactly what the registry would publish for this registration: right id, mode, resources.
    const forged = await forge(
      ServiceDeprovisionRequested,
      {
        tenantId: victim,
        registrationId: victimRegistration.id,
        product: 'ledger',
        isolationMode: 'SCHEMA',
        resources: ['postgres', 'mongodb', 'rabbitmq'],
      },
      victim,
    );

    const refusals = await deadLettered(Topics.ServiceDeprovisionRequested, forged.id, [
      'credential-service',
      'postgres-provisioner',
      'mongo-provisioner',
      'broker-provisioner',
      'migration-runner',
      'readiness-aggregator',
    ]);
    for (const headers of refusals.values()) {
      expect(headers['x-dlq-error']).toBe('RefusedEventError');
      expect(headers['x-dlq-attempts']).toBe('1');
      expect(headers['x-dlq-reason']).toContain(
        `offboarding of ledger for tenant ${victim} (registration ${victimRegistration.id}) refused: the tenant-registry has not ordered it`,
      );
    }

    // Every resource is still there: schema and role with the ledger's tables, Mongo database,
    // vhost and user, and every secret.
    const pg = await resources.postgres(victimNames);
    expect(pg).toMatchObject({ roles: 1, databases: 1, schemas: 1 });
    expect(pg.tables).toBeGreaterThan(0);
    expect(await resources.mongoDatabaseExists(victimNames.mongoDatabase)).toBe(true);
    expect(await resources.vhostExists(victimNames.vhost)).toBe(true);
    expect(await resources.rabbitUserExists(victimNames.rabbitUser)).toBe(true);
    expect(await liveSecrets(victim)).toEqual(secretsBefore);

    // Neither the registry nor the aggregator's status view believe an offboarding began.
    expect((await platform.api('GET', `/v1/tenants/${victim}/services/ledger`)).body.state).toBe(
      'ready',
    );
    const status = await fetch(
      `${platform.apps.get('readiness-aggregator')!.base}/v1/registrations/${victimRegistration.id}`,
      { headers: { authorization: `Bearer ${platform.adminToken}` } },
    ).then((r) => r.json() as Promise<{ state: string }>);
    expect(status.state).toBe('ready');

    // The product still gets the same credentials, and they still log in to the tenant's data.
    const after = await connection(victim);
    expect(after.status).toBe(200);
    expect(after.body.postgres).toEqual(before.body.postgres);
    const client = new Client({
      connectionString: resources.tenantUrl(after.body.postgres, victimNames.pgDatabase),
    });
    await client.connect();
    try {
      expect((await client.query('SELECT count(*)::int AS n FROM accounts')).rows[0].n).toBe(0);
    } finally {
      await client.end();
    }
  }, 120_000);

  it("refuses forged credential references to another tenant's secret: the product keeps getting its own tenant's", async () => {
    const victimPath = victimNames.secretPath('postgres');
    const victimSecret = await credentials.forPostgres(victim, 'ledger');
    const attackerSecret = await credentials.forPostgres(attacker, 'ledger');
    const before = await connection(attacker);
    expect(before.body.postgres.password).toBe(attackerSecret.password);
    const roleBefore = await verifierOf(attackerNames.pgRole);
    const attackerRef = {
      tenantId: attacker,
      registrationId: attackerRegistration.id,
      product: 'ledger' as const,
      isolationMode: 'SCHEMA' as const,
    };
    const [victimVersion] = (await liveSecrets(victim)).filter((s) => s.path === victimPath);

    // A "completed rotation" pointing the attacker's registration at the victim's secret...
    const rotated = await forge(
      CredentialsRotated,
      {
        ...attackerRef,
        rotationId: randomUUID(),
        credentials: { postgres: { path: victimPath, version: victimVersion.version } },
      },
      attacker,
    );
    // ...the same as a "first issue", which the provisioners would apply to the attacker's role...
    const issued = await forge(
      CredentialsIssued,
      {
        ...attackerRef,
        rotationId: null,
        productVersion: attackerRegistration.productVersion,
        credentials: { postgres: { path: victimPath, version: victimVersion.version } },
      },
      attacker,
    );
    // ...and a rotation of its own credentials the registry never asked for.
    const unrequested = await forge(
      CredentialsRotated,
      {
        ...attackerRef,
        rotationId: randomUUID(),
        credentials: { postgres: { path: attackerNames.secretPath('postgres'), version: 1 } },
      },
      attacker,
    );

    const expected = `expected ${attackerNames.secretPath('postgres')}`;
    const [byRegistry] = (
      await deadLettered(Topics.CredentialsRotated, rotated.id, ['tenant-registry'])
    ).values();
    expect(byRegistry['x-dlq-error']).toBe('RefusedEventError');
    expect(byRegistry['x-dlq-reason']).toMatch(/rotation .* was not requested/);
    const onIssued = await deadLettered(Topics.CredentialsIssued, issued.id, [
      'tenant-registry',
      'postgres-provisioner',
    ]);
    for (const headers of onIssued.values()) {
      expect(headers['x-dlq-error']).toBe('RefusedEventError');
      expect(headers['x-dlq-reason']).toContain(`credentials reference ${victimPath}, ${expected}`);
    }
    const [notRequested] = (
      await deadLettered(Topics.CredentialsRotated, unrequested.id, ['tenant-registry'])
    ).values();
    expect(notRequested['x-dlq-reason']).toMatch(/rotation .* was not requested/);

    // The product API still hands out the attacker tenant's own secret, never the victim's, and
    // the attacker's role still has its own password.
    const after = await connection(attacker);
    expect(after.body.postgres).toEqual(before.body.postgres);
    expect(after.body.postgres.password).not.toBe(victimSecret.password);
    expect(await verifierOf(attackerNames.pgRole)).toBe(roleBefore);
    const [row] = await platform.platformQuery<{ credentials: Record<string, { path: string }> }>(
      'SELECT credentials FROM tenant_registry.service_registration WHERE id = $1',
      [attackerRegistration.id],
    );
    expect(row.credentials.postgres.path).toBe(attackerNames.secretPath('postgres'));
    expect((await connection(victim)).body.postgres.password).toBe(victimSecret.password);
  }, 120_000);

  it('refuses a forged suspension: the tenant keeps logging in', async () => {
    const canLogIn = async () =>
      (
        await platform.platformQuery<{ rolcanlogin: boolean }>(
          'SELECT rolcanlogin FROM pg_roles WHERE rolname = $1',
          [victimNames.pgRole],
        )
      )[0].rolcanlogin;
    expect(await canLogIn()).toBe(true);

    const forged = await forge(
      TenantStatusChanged,
      { tenantId: victim, status: 'suspended', reason: 'forged', revision: 1 },
      victim,
    );

    const refusals = await deadLettered(Topics.TenantStatusChanged, forged.id, [
      'postgres-provisioner',
      'mongo-provisioner',
      'broker-provisioner',
    ]);
    for (const headers of refusals.values()) {
      expect(headers['x-dlq-error']).toBe('RefusedEventError');
      expect(headers['x-dlq-reason']).toContain(
        `tenant ${victim} suspended (revision 1) refused: the tenant-registry's last order is none`,
      );
    }
    expect(await canLogIn()).toBe(true);
    expect((await platform.api('GET', `/v1/tenants/${victim}`)).body.status).toBe('active');
    expect((await connection(victim)).body.state).toBe('ready');
  }, 120_000);

  it('still rotates and offboards when the registry asks', async () => {
    const before = (await connection(attacker)).body;
    const rotate = await platform.api(
      'POST',
      `/v1/tenants/${attacker}/services/ledger/credentials/rotate`,
    );
    expect(rotate.status).toBe(202);
    const after = await expectEventually(
      async () => {
        const { body } = await connection(attacker);
        expect(body.postgres.secretVersion).toBe(before.postgres.secretVersion + 1);
        return body;
      },
      { timeoutMs: 60_000 },
    );
    expect(after.postgres.password).not.toBe(before.postgres.password);
    expect(
      (await platform.api('GET', `/v1/tenants/${attacker}/services/ledger`)).body.rotation,
    ).toMatchObject({ rotationId: rotate.body.rotationId, state: 'done' });

    expect((await platform.api('DELETE', `/v1/tenants/${attacker}/services/ledger`)).status).toBe(
      202,
    );
    await platform.waitForState(attacker, 'ledger', 'deleted', 90_000);
    expect(await resources.postgres(attackerNames)).toMatchObject({ roles: 0, schemas: 0 });
    expect(await resources.mongoDatabaseExists(attackerNames.mongoDatabase)).toBe(false);
    expect(await resources.vhostExists(attackerNames.vhost)).toBe(false);
    expect(await liveSecrets(attacker)).toEqual([]);
    // The victim, whose offboarding was forged, is untouched.
    expect((await connection(victim)).status).toBe(200);
  }, 180_000);
});
