import {
  ServiceDeprovisioned,
  TenantStatusChanged,
  Topics,
  tenantResourceNames,
} from '@enclave/contracts';
import { TenantLifecycleListener } from '@enclave/tenancy-sdk';
import { expectEventually, recordExercised, recordNotExercised } from '@enclave/testing';
import amqp from 'amqplib';
import { Client } from 'pg';
import { scramSha256Verifier } from '../../apps/postgres-provisioner/src/provisioning/scram-verifier';
import { PlatformHarness } from './support/platform.harness';
import { TenantResources } from './support/tenant-resources';

interface Envelope<P = Record<string, unknown>> {
  readonly id: string;
  readonly causationId: string | null;
  readonly payload: P;
}

/**
 * What operators and products do with a ready tenant, through the public APIs and Kafka on real
 * servers: products authenticate with their own token and get one tenant's connection details;
 * operators suspend and resume tenants and rotate credentials, and products hear about it.
 */
describe('tenant operations', () => {
  const platform = new PlatformHarness();
  const tenant = `ops-${platform.runId}`;
  const other = `opx-${platform.runId}`;
  const resources = new TenantResources(platform.infra);
  let ledgerToken: string;
  let tracerToken: string;
  let statusEvents: Awaited<ReturnType<PlatformHarness['collect']>>;
  let rotatedEvents: Awaited<ReturnType<PlatformHarness['collect']>>;
  /** Every password the product endpoint handed out in this run, old versions included. */
  const handedOut = new Set<string>();
  /** Product tokens issued by the tests beyond the first two. */
  const tokensIssued: string[] = [];

  const connection = (product: string, tenantId: string, token: string | null) =>
    platform.api('GET', `/v1/products/${product}/tenants/${tenantId}/connection`, undefined, token);
  const decoded = <P>(messages: typeof statusEvents) =>
    messages.map((m) => JSON.parse(m.message.value!.toString()) as Envelope<P>);

  beforeAll(async () => {
    await platform.start();
    statusEvents = await platform.collect(Topics.TenantStatusChanged);
    rotatedEvents = await platform.collect(Topics.CredentialsRotated);
    for (const id of [tenant, other]) {
      expect((await platform.api('POST', '/v1/tenants', { id, displayName: id })).status).toBe(201);
    }
    await platform.api('POST', `/v1/tenants/${tenant}/services`, { product: 'ledger' });
    await platform.api('POST', `/v1/tenants/${other}/services`, { product: 'tracer' });
    await platform.waitForState(tenant, 'ledger', 'ready');
    await platform.waitForState(other, 'tracer', 'ready');
    ledgerToken = (await platform.api('POST', '/v1/products/ledger/tokens')).body.token;
    tracerToken = (await platform.api('POST', '/v1/products/tracer/tokens')).body.token;
  }, 240_000);

  afterAll(async () => {
    await platform.stop();
    await resources.cleanUp([tenant, other]);
  }, 60_000);

  it('issues product tokens to operators only, for products that exist, and shows each once', async () => {
    const tokens = '/v1/products/ledger/tokens';
    expect((await platform.api('POST', tokens, undefined, null)).status).toBe(401);
    expect((await platform.api('POST', tokens, undefined, ledgerToken)).status).toBe(401);
    expect((await platform.api('GET', tokens, undefined, ledgerToken)).status).toBe(401);
    expect((await platform.api('POST', '/v1/products/nope/tokens')).status).toBe(404);
    expect((await platform.api('GET', '/v1/products/nope/tokens')).status).toBe(404);
    expect((await platform.api('POST', tokens, { name: 'a\u0007b' })).status).toBe(400);
    // Another token of the same product is good too, until it expires (90 days by default).
    const issued = await platform.api('POST', tokens, { name: 'ledger-eu' });
    expect(issued.status).toBe(201);
    const another = issued.body;
    tokensIssued.push(another.token);
    expect(another).toMatchObject({ product: 'ledger', name: 'ledger-eu', state: 'active' });
    expect(another.token).toMatch(/^ept_ledger\./);
    expect(Date.parse(another.expiresAt) - Date.now()).toBeGreaterThan(89 * 86_400_000);
    expect((await connection('ledger', tenant, another.token)).status).toBe(200);

    // Listed without the secret; the registry keeps a 32-byte keyed hash, never the token.
    const listed = await platform.api('GET', tokens);
    expect(listed.status).toBe(200);
    expect(listed.body[0]).toEqual({
      id: another.id,
      product: 'ledger',
      name: 'ledger-eu',
      state: 'active',
      createdAt: another.createdAt,
      expiresAt: another.expiresAt,
      revokedAt: null,
    });
    expect(listed.text).not.toContain(another.token);
    expect(listed.text).not.toContain(ledgerToken);
    const stored = await platform.platformQuery<{ hash: Buffer; row: string }>(
      `SELECT token_hash AS hash, t::text AS row FROM tenant_registry.product_api_token t WHERE id = $1`,
      [another.id],
    );
    expect(stored).toHaveLength(1);
    expect(stored[0].hash).toHaveLength(32);
    const secretPart = another.token.split('.')[1];
    expect(stored[0].row).not.toContain(secretPart);
    expect(stored[0].hash.toString('hex')).not.toContain(Buffer.from(secretPart).toString('hex'));
    const anywhere = await platform.platformQuery<{ n: number }>(
      `SELECT count(*)::int AS n FROM tenant_registry.product_api_token t WHERE t::text LIKE $1`,
      [`%${secretPart}%`],
    );
    expect(anywhere[0].n).toBe(0);
  });

  it('gives a product its tenant’s connection, with credentials that work, and nothing to anyone else', async () => {
    const { status, body, text } = await connection('ledger', tenant, ledgerToken);
    expect(status).toBe(200);
    const names = tenantResourceNames(tenant, 'ledger', 'SCHEMA');
    expect(body).toMatchObject({
      tenantId: tenant,
      product: 'ledger',
      isolationMode: 'SCHEMA',
      state: 'ready',
      postgres: {
        database: names.pgDatabase,
        schema: names.pgSchema,
        username: names.pgRole,
        secretVersion: 1,
      },
      mongodb: { database: names.mongoDatabase, username: names.mongoUser, secretVersion: 1 },
      rabbitmq: {
        vhost: names.vhost,
        isolation: 'VHOST',
        prefix: '',
        username: names.rabbitUser,
        secretVersion: 1,
      },
    });
    const pg = new Client({
      connectionString: resources.tenantUrl(body.postgres, names.pgDatabase),
    });
    await pg.connect();
    expect((await pg.query('SELECT current_user AS u')).rows[0].u).toBe(names.pgRole);
    await pg.end();

    // Every other key is refused before anything is looked up.
    for (const token of [
      null,
      tracerToken,
      platform.adminToken,
      `${ledgerToken}x`,
      'ept_ledger_AAAA',
    ]) {
      const refused = await connection('ledger', tenant, token);
      expect(refused.status).toBe(401);
      expect(refused.text).not.toContain(body.postgres.password);
    }
    // The ledger token does not open the tracer's door, even for a tenant the tracer serves.
    expect((await connection('tracer', other, ledgerToken)).status).toBe(401);
    expect((await connection('tracer', other, tracerToken)).status).toBe(200);
    // Unknown tenant, or a tenant without this product: 404, no hint about other products.
    expect((await connection('ledger', `nobody-${platform.runId}`, ledgerToken)).status).toBe(404);
    expect((await connection('ledger', other, ledgerToken)).status).toBe(404);
    expect(text).not.toContain(tracerToken);
  });

  it('suspends and resumes a tenant: state, one event per change, and products’ caches told', async () => {
    // Sessions a product holds with the tenant's credentials, opened while it is active.
    const names = tenantResourceNames(tenant, 'ledger', 'SCHEMA');
    const credentials = (await connection('ledger', tenant, ledgerToken)).body;
    const pgUrl = resources.tenantUrl(credentials.postgres, names.pgDatabase);
    const amqpUrl = resources.amqpUrl(credentials.rabbitmq, names.vhost);
    const pgSession = new Client({ connectionString: pgUrl });
    const pgEnded: string[] = [];
    pgSession.on('error', (error: Error & { code?: string }) => pgEnded.push(error.code ?? '?'));
    await pgSession.connect();
    const mq = await amqp.connect(amqpUrl);
    const mqClosed: string[] = [];
    mq.on('error', () => undefined);
    mq.on('close', (error?: Error) => mqClosed.push(error?.message ?? 'closed'));
    const pgLogin = async () => {
      const client = new Client({ connectionString: pgUrl });
      client.on('error', () => undefined);
      await client.connect();
      await client.end();
    };
    const amqpLogin = async () => (await amqp.connect(amqpUrl)).close();

    const invalidated: string[] = [];
    const listener = new TenantLifecycleListener({
      brokers: platform.infra.kafkaBrokers,
      sasl: platform.infra.kafkaSasl,
      product: 'ledger',
      topicPrefix: platform.topicPrefix,
      connections: { invalidate: (tenantId) => invalidated.push(tenantId) },
    });
    const heard: Array<{ status: string; revision: number }> = [];
    listener.on(TenantStatusChanged, (payload) => {
      heard.push({ status: payload.status, revision: payload.revision });
    });
    await listener.start();
    try {
      expect((await platform.api('POST', `/v1/tenants/${tenant}/suspend`, {})).status).toBe(400);
      const suspended = await platform.api('POST', `/v1/tenants/${tenant}/suspend`, {
        reason: 'unpaid invoice',
      });
      expect(suspended.status).toBe(200);
      expect(suspended.body).toMatchObject({ status: 'suspended', statusReason: 'unpaid invoice' });
      // Again: nothing changes, nothing is published.
      expect(
        (await platform.api('POST', `/v1/tenants/${tenant}/suspend`, { reason: 'again' })).body,
      ).toMatchObject({ statusReason: 'unpaid invoice' });

      const answer = await connection('ledger', tenant, ledgerToken);
      expect(answer.body).toEqual({
        tenantId: tenant,
        product: 'ledger',
        isolationMode: 'SCHEMA',
        state: 'suspended',
      });
      await expectEventually(() => expect(invalidated).toEqual([tenant]));

      // The servers enforce it, whatever a product does: the open sessions end, new ones are refused.
      await expectEventually(() => expect(pgEnded).toContain('57P01'), { timeoutMs: 20_000 });
      await expect(pgLogin()).rejects.toMatchObject({ code: '28000' }); // not permitted to log in
      await expectEventually(() => expect(mqClosed).toEqual([expect.stringMatching(/suspended/)]), {
        timeoutMs: 20_000,
      });
      await expect(amqpLogin()).rejects.toThrow(/ConnectionOpenOk|access|refused|530/i);

      expect((await platform.api('POST', `/v1/tenants/${tenant}/resume`)).body).toMatchObject({
        status: 'active',
        statusReason: null,
      });
      expect((await connection('ledger', tenant, ledgerToken)).body.state).toBe('ready');
      await expectEventually(() => expect(invalidated).toEqual([tenant, tenant]));
      // Resumed: the same credentials log in again.
      await expectEventually(() => pgLogin(), { timeoutMs: 20_000 });
      await expectEventually(() => amqpLogin(), { timeoutMs: 20_000 });
      expect(heard).toEqual([
        { status: 'suspended', revision: 1 },
        { status: 'active', revision: 2 },
      ]);
      const events = decoded<{ tenantId: string; status: string }>(statusEvents).filter(
        (e) => e.payload.tenantId === tenant,
      );
      expect(events.map((e) => e.payload.status)).toEqual(['suspended', 'active']);
      expect(
        (
          await platform.api('POST', `/v1/tenants/nobody-${platform.runId}/suspend`, {
            reason: 'x',
          })
        ).status,
      ).toBe(404);
    } finally {
      await listener.stop();
      await pgSession.end().catch(() => undefined);
      await mq.close().catch(() => undefined);
    }
  }, 90_000);

  it('rotates credentials: new versions applied everywhere, CredentialsRotated once, the old ones replaced', async () => {
    const before = (await connection('ledger', tenant, ledgerToken)).body;
    for (const store of ['postgres', 'mongodb', 'rabbitmq']) handedOut.add(before[store].password);
    expect(
      (await platform.api('POST', `/v1/tenants/${tenant}/services/tracer/credentials/rotate`))
        .status,
    ).toBe(404);

    // A product's listener is told which versions are now current, so it never resolves older ones.
    const invalidated: unknown[] = [];
    const listener = new TenantLifecycleListener({
      brokers: platform.infra.kafkaBrokers,
      sasl: platform.infra.kafkaSasl,
      product: 'ledger',
      topicPrefix: platform.topicPrefix,
      connections: { invalidate: (...args) => invalidated.push(args) },
    });
    await listener.start();
    try {
      const accepted = await platform.api(
        'POST',
        `/v1/tenants/${tenant}/services/ledger/credentials/rotate`,
      );
      expect(accepted.status).toBe(202);
      const { rotationId } = accepted.body;
      const rotationShown = async () =>
        (await platform.api('GET', `/v1/tenants/${tenant}/services/ledger`)).body.rotation;
      expect((await rotationShown()).rotationId).toBe(rotationId);
      const rotated = await expectEventually(
        () => {
          const mine = decoded<{
            rotationId: string;
            credentials: Record<string, { version: number }>;
          }>(rotatedEvents).filter((e) => e.payload.rotationId === rotationId);
          expect(mine).toHaveLength(1);
          return mine[0];
        },
        { timeoutMs: 60_000 },
      );
      expect(rotated.payload.credentials).toEqual({
        postgres: { path: `tenants/${tenant}/ledger/postgres`, version: 2 },
        mongodb: { path: `tenants/${tenant}/ledger/mongodb`, version: 2 },
        rabbitmq: { path: `tenants/${tenant}/ledger/rabbitmq`, version: 2 },
      });
      await expectEventually(() =>
        expect(invalidated).toEqual([[tenant, { postgres: 2, mongodb: 2, rabbitmq: 2 }]]),
      );
      // The operator sees how it ended on the registration itself.
      await expectEventually(async () =>
        expect(await rotationShown()).toMatchObject({ rotationId, state: 'done', reason: null }),
      );
    } finally {
      await listener.stop();
    }

    // Products are handed the new versions once the registry has recorded the rotation.
    const after = await expectEventually(async () => {
      const { body } = await connection('ledger', tenant, ledgerToken);
      expect(body.postgres.secretVersion).toBe(2);
      return body;
    });
    expect(after.rabbitmq.secretVersion).toBe(2);
    for (const store of ['postgres', 'mongodb', 'rabbitmq']) handedOut.add(after[store].password);
    expect(after.postgres.password).not.toBe(before.postgres.password);
    expect(after.rabbitmq.password).not.toBe(before.rabbitmq.password);

    const names = tenantResourceNames(tenant, 'ledger', 'SCHEMA');
    const fresh = new Client({
      connectionString: resources.tenantUrl(after.postgres, names.pgDatabase),
    });
    await fresh.connect();
    expect((await fresh.query('SELECT count(*)::int AS n FROM accounts')).rows[0].n).toBe(0);
    await fresh.end();
    // This machine's PostgreSQL trusts local connections (INFRA.md), so a wrong password still logs
    // in here: what proves the rotation is the verifier the server now holds for the role.
    const [{ verifier }] = await platform.platformQuery<{ verifier: string }>(
      'SELECT rolpassword AS verifier FROM pg_authid WHERE rolname = $1',
      [names.pgRole],
    );
    const [, iterations, salt] = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(verifier)!;
    const verifierOf = (password: string) =>
      scramSha256Verifier(password, Buffer.from(salt, 'base64'), Number(iterations));
    expect(await verifierOf(after.postgres.password)).toBe(verifier);
    expect(await verifierOf(before.postgres.password)).not.toBe(verifier);
    recordNotExercised(
      'PostgreSQL',
      'e2e: old password refused after a rotation',
      "the e2e platform's tenant server is the machine's, which trusts 127.0.0.1 (INFRA.md): checked here through the stored SCRAM verifier; the server's own refusal is shown on the scram-sha-256 cluster by the postgres-provisioner integration suites",
    );

    const amqpUrl = (credential: { username: string; password: string }) =>
      resources.amqpUrl(credential, names.vhost);
    const mq = await amqp.connect(amqpUrl(after.rabbitmq));
    await mq.close();
    await expect(amqp.connect(amqpUrl(before.rabbitmq))).rejects.toThrow(/ACCESS_REFUSED|403/);
    recordExercised('RabbitMQ', 'credential rotation: new password accepted, old one refused');

    // A rotation asked for a registration that is not ready is refused.
    const pending = `opp-${platform.runId}`;
    await platform.api('POST', '/v1/tenants', { id: pending, displayName: pending });
    await platform.stopApps(['migration-runner']);
    try {
      await platform.api('POST', `/v1/tenants/${pending}/services`, { product: 'tracer' });
      // Nor can it be offboarded while a stage may still be making its resources.
      const offboard = await platform.api('DELETE', `/v1/tenants/${pending}/services/tracer`);
      expect(offboard.status).toBe(409);
      expect(offboard.text).toMatch(/has not reported yet/);
      expect(
        (await platform.api('POST', `/v1/tenants/${pending}/services/tracer/credentials/rotate`))
          .status,
      ).toBe(409);
    } finally {
      await platform.startApps(['migration-runner']);
    }
    await platform.waitForState(pending, 'tracer', 'ready');
    await resources.cleanUp([pending]);
  }, 120_000);

  it('offboards a product: products are told, the tenant is no longer handed out, its login is gone', async () => {
    const before = await connection('tracer', other, tracerToken);
    expect(before.status).toBe(200);
    const invalidated: string[] = [];
    const deprovisioned: string[] = [];
    const listener = new TenantLifecycleListener({
      brokers: platform.infra.kafkaBrokers,
      sasl: platform.infra.kafkaSasl,
      product: 'tracer',
      topicPrefix: platform.topicPrefix,
      connections: { invalidate: (tenantId) => invalidated.push(tenantId) },
    });
    listener.on(ServiceDeprovisioned, (payload) => {
      deprovisioned.push(payload.tenantId);
    });
    await listener.start();
    try {
      const accepted = await platform.api('DELETE', `/v1/tenants/${other}/services/tracer`);
      expect(accepted.status).toBe(202);
      // From the request on, the product gets 404 for it, as for a tenant it never had.
      expect((await connection('tracer', other, tracerToken)).status).toBe(404);
      await platform.waitForState(other, 'tracer', 'deleted');
      await expectEventually(() => expect(deprovisioned).toEqual([other]));
      // Told at the request (stop serving) and at the end (gone).
      expect(invalidated).toEqual([other, other]);
    } finally {
      await listener.stop();
    }
    const names = tenantResourceNames(other, 'tracer', 'DATABASE');
    const stale = new Client({
      connectionString: resources.tenantUrl(before.body.postgres, names.pgDatabase),
    });
    await expect(stale.connect()).rejects.toThrow(/does not exist/);
    await stale.end().catch(() => undefined);
  }, 90_000);

  it('expires product tokens, and revokes one token, or one product’s, without touching another’s', async () => {
    const tokens = '/v1/products/ledger/tokens';
    const issue = async (body?: unknown) => {
      const issued = await platform.api('POST', tokens, body);
      if (issued.status === 201) tokensIssued.push(issued.body.token);
      return issued;
    };
    expect((await issue({ ttlSeconds: 0 })).status).toBe(400);
    expect((await issue({ ttlSeconds: 400 * 86_400 })).status).toBe(400);
    const brief = (await issue({ ttlSeconds: 1 })).body;
    await expectEventually(
      async () => {
        const refused = await connection('ledger', tenant, brief.token);
        expect(refused.status).toBe(401);
        expect(refused.body.message).toMatch(/expired/);
      },
      { timeoutMs: 10_000, intervalMs: 250 },
    );
    const listed = (await platform.api('GET', tokens)).body as Array<{ id: string; state: string }>;
    expect(listed.find((t) => t.id === brief.id)?.state).toBe('expired');

    // One token revoked: refused from the next request on; the product's other tokens still work.
    const kept = (await issue({ name: 'kept' })).body;
    const dropped = (await issue({ name: 'dropped' })).body;
    expect((await connection('ledger', tenant, dropped.token)).status).toBe(200);
    const revoked = await platform.api('POST', `${tokens}/${dropped.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: dropped.id, state: 'revoked' });
    expect(revoked.text).not.toContain(dropped.token);
    const refused = await connection('ledger', tenant, dropped.token);
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/revoked/);
    expect((await connection('ledger', tenant, kept.token)).status).toBe(200);
    // Again: idempotent, same revocation time. Another product's path, an unknown or bad id: no.
    expect((await platform.api('POST', `${tokens}/${dropped.id}/revoke`)).body.revokedAt).toBe(
      revoked.body.revokedAt,
    );
    expect(
      (await platform.api('POST', `/v1/products/tracer/tokens/${dropped.id}/revoke`)).status,
    ).toBe(404);
    expect((await platform.api('POST', `${tokens}/${platform.runId}/revoke`)).status).toBe(400);

    // Every ledger token revoked at once; the tracer's still opens its routes (its tenant was
    // offboarded above: 404, not 401).
    const all = await platform.api('POST', `${tokens}/revoke`);
    expect(all.status).toBe(200);
    expect(all.body.revoked).toBeGreaterThanOrEqual(3); // the first, another, kept
    for (const old of [ledgerToken, ...tokensIssued]) {
      const refusal = await connection('ledger', tenant, old);
      expect(refusal.status).toBe(401);
      expect(refusal.body.message).toMatch(/revoked|expired/);
    }
    expect((await connection('tracer', other, tracerToken)).status).toBe(404);
    const fresh = (await issue()).body;
    expect((await connection('ledger', tenant, fresh.token)).status).toBe(200);
    expect((await platform.api('POST', '/v1/products/nope/tokens/revoke')).status).toBe(404);
  });

  it('never logs a password it handed out, nor a product token', async () => {
    expect(handedOut.size).toBe(6);
    const logs = [...platform.apps.keys()].map((app) => platform.logsOf(app)).join('\n');
    expect(logs).toContain('/connection'); // the product calls were logged, without their secrets
    for (const secret of [...handedOut, ledgerToken, tracerToken, ...tokensIssued]) {
      expect(logs.includes(secret)).toBe(false);
    }
  });
});
