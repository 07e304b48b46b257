import { expectEventually } from '@enclave/testing';
import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { PlatformHarness } from './support/platform.harness';
import { TenantResources } from './support/tenant-resources';

interface HistoryItem {
  readonly eventId: string;
  readonly kind: string;
  readonly occurredAt: string;
  readonly product: string | null;
  readonly actor: string | null;
  readonly producer: string;
  readonly stage: string | null;
  readonly reason: string | null;
}

/**
 * The audit trail through the admin API on real servers: named operator tokens (issued, listed,
 * revoked, expiring, stored hashed) and a tenant's history, which names the operator of each step.
 */
describe('tenant history and named operator tokens', () => {
  const platform = new PlatformHarness();
  const tenant = `his-${platform.runId}`;
  const resources = new TenantResources(platform.infra);
  let alice: { id: string; token: string };
  let bob: { id: string; token: string };
  let db: Client;

  const issue = async (body: object, token?: string | null) =>
    platform.api('POST', '/v1/operator-tokens', body, token);
  const history = async (query = '', token: string | null = alice.token) =>
    platform.api('GET', `/v1/tenants/${tenant}/history${query}`, undefined, token);
  const items = async (query = ''): Promise<HistoryItem[]> => (await history(query)).body.items;

  beforeAll(async () => {
    await platform.start();
    db = new Client({ connectionString: platform.db.url });
    await db.connect();
    alice = (await issue({ name: 'alice' })).body;
    // A named operator may issue tokens too.
    bob = (await issue({ name: 'bob' }, alice.token)).body;
  }, 240_000);

  afterAll(async () => {
    await db?.end();
    await platform.stop();
    await resources.cleanUp([tenant]);
  }, 60_000);

  it('issues a named token once, stores only its SHA-256, and lists tokens without secrets', async () => {
    expect(alice.token).toMatch(/^enop_[A-Za-z0-9_-]{43}$/);
    expect((await issue({ name: 'alice' })).status).toBe(409);
    expect((await issue({ name: 'bootstrap' })).status).toBe(400);
    expect((await issue({ name: 'eve' }, null)).status).toBe(401);
    expect((await issue({ name: 'eve' }, `${alice.token}x`)).status).toBe(401);

    const stored = await db.query(
      `SELECT name, encode(token_sha256, 'hex') AS sha, row_to_json(t)::text AS whole
         FROM tenant_registry.operator_token t ORDER BY created_at`,
    );
    expect(stored.rows.map((r) => r.name)).toEqual(['alice', 'bob']);
    expect(stored.rows[0].sha).toBe(createHash('sha256').update(alice.token).digest('hex'));
    for (const { whole } of stored.rows) {
      expect(whole).not.toContain(alice.token.slice(5));
      expect(whole).not.toContain(bob.token.slice(5));
    }

    const listed = await platform.api('GET', '/v1/operator-tokens', undefined, bob.token);
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject([
      { name: 'alice', createdBy: { kind: 'operator', name: 'bootstrap' }, revokedAt: null },
      { name: 'bob', createdBy: { kind: 'operator', name: 'alice' }, revokedAt: null },
    ]);
    expect(listed.text).not.toContain(alice.token);
    expect(listed.text).not.toContain(bob.token);
  });

  it('records create → register → rotate → suspend → resume → offboard with the operator of each step, in order', async () => {
    const as = (token: string) => (method: string, path: string, body?: unknown) =>
      platform.api(method, path, body, token);
    const byAlice = as(alice.token);
    const byBob = as(bob.token);
    expect(
      (await byAlice('POST', '/v1/tenants', { id: tenant, displayName: 'History' })).status,
    ).toBe(201);
    expect(
      (await byAlice('POST', `/v1/tenants/${tenant}/services`, { product: 'ledger' })).status,
    ).toBe(202);
    await platform.waitForState(tenant, 'ledger', 'ready');
    expect(
      (await byAlice('POST', `/v1/tenants/${tenant}/services/ledger/credentials/rotate`)).status,
    ).toBe(202);
    await expectEventually(
      async () => expect((await items()).map((i) => i.kind)).toContain('CredentialsRotated'),
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(
      (await byBob('POST', `/v1/tenants/${tenant}/suspend`, { reason: 'unpaid invoice' })).status,
    ).toBe(200);
    expect((await byBob('POST', `/v1/tenants/${tenant}/resume`)).status).toBe(200);
    expect((await byBob('DELETE', `/v1/tenants/${tenant}/services/ledger`)).status).toBe(202);
    await platform.waitForState(tenant, 'ledger', 'deleted');

    const all = await expectEventually(
      async () => {
        const found = await items('?limit=500');
        expect(found.map((i) => i.kind)).toContain('ServiceDeprovisioned');
        return found;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    // The operator's own steps, in the order they were taken, each under the token used.
    const operatorSteps = [
      'TenantCreated',
      'ServiceRegistered',
      'CredentialsRotationRequested',
      'TenantSuspended',
      'TenantResumed',
      'ServiceDeprovisionRequested',
    ];
    expect(
      all.filter((i) => operatorSteps.includes(i.kind)).map((i) => [i.kind, i.actor, i.producer]),
    ).toEqual([
      ['TenantCreated', 'operator:alice', 'tenant-registry'],
      ['ServiceRegistered', 'operator:alice', 'tenant-registry'],
      ['CredentialsRotationRequested', 'operator:alice', 'tenant-registry'],
      ['TenantSuspended', 'operator:bob', 'tenant-registry'],
      ['TenantResumed', 'operator:bob', 'tenant-registry'],
      ['ServiceDeprovisionRequested', 'operator:bob', 'tenant-registry'],
    ]);
    expect(all.find((i) => i.kind === 'TenantSuspended')!.reason).toBe('unpaid invoice');
    // Stage outcomes are there too, written by the stage that did the work, on the operator's behalf.
    const outcome = (kind: string) => all.find((i) => i.kind === kind);
    expect(outcome('PostgresProvisioned')).toMatchObject({
      producer: 'postgres-provisioner',
      actor: 'operator:alice',
      product: 'ledger',
    });
    expect(outcome('ServiceReady')).toMatchObject({ product: 'ledger', actor: 'operator:alice' });
    expect(outcome('CredentialsRotated')).toMatchObject({ actor: 'operator:alice' });
    expect(outcome('ServiceDeprovisioned')).toMatchObject({ actor: 'operator:bob' });
    for (const kind of [
      'CredentialsIssued',
      'MongoProvisioned',
      'BrokerProvisioned',
      'MigrationsApplied',
      'StageReleased',
    ]) {
      expect([kind, outcome(kind) !== undefined]).toEqual([kind, true]);
    }
    // Ordered by when each happened; every event recorded once.
    const times = all.map((i) => Date.parse(i.occurredAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(all.map((i) => i.eventId)).size).toBe(all.length);

    // Pages of two walk the same list; filters narrow it.
    const paged: HistoryItem[] = [];
    let next: string | null = null;
    do {
      const page = await history(`?limit=2${next ? `&after=${next}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      paged.push(...page.body.items);
      next = page.body.next;
    } while (next);
    expect(paged.map((i) => i.eventId)).toEqual(all.map((i) => i.eventId));
    const suspensions = await items('?kind=TenantSuspended');
    expect(suspensions.map((i) => i.actor)).toEqual(['operator:bob']);
    const ledger = await items('?product=ledger&limit=500');
    expect(ledger.length).toBe(all.filter((i) => i.product === 'ledger').length);
    expect(ledger.every((i) => i.product === 'ledger')).toBe(true);
    expect(ledger.map((i) => i.kind)).not.toContain('TenantCreated');

    // The history survives offboarding; it is the operators' only, and bad queries are refused.
    expect((await history()).status).toBe(200);
    expect((await history('', null)).status).toBe(401);
    expect((await history('?after=not-a-cursor')).status).toBe(400);
    expect((await history('?colour=red')).status).toBe(400);
    expect(
      (
        await platform.api(
          'GET',
          `/v1/tenants/nobody-${platform.runId}/history`,
          undefined,
          alice.token,
        )
      ).status,
    ).toBe(404);
  }, 180_000);

  it('refuses a revoked token within seconds, and an expired one', async () => {
    const carol = (await issue({ name: 'carol' })).body;
    const asCarol = () => platform.api('GET', '/v1/operator-tokens', undefined, carol.token);
    expect((await asCarol()).status).toBe(200);
    const revoked = await platform.api(
      'POST',
      `/v1/operator-tokens/${carol.id}/revoke`,
      undefined,
      bob.token,
    );
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({
      name: 'carol',
      revokedBy: { kind: 'operator', name: 'bob' },
    });
    const revokedAt = Date.now();
    await expectEventually(async () => expect((await asCarol()).status).toBe(401), {
      timeoutMs: 5_000,
      intervalMs: 100,
    });
    expect(Date.now() - revokedAt).toBeLessThan(5_000);

    const dave = (
      await issue({ name: 'dave', expiresAt: new Date(Date.now() + 3_000).toISOString() })
    ).body;
    const asDave = () => platform.api('GET', '/v1/operator-tokens', undefined, dave.token);
    expect((await asDave()).status).toBe(200);
    await expectEventually(async () => expect((await asDave()).status).toBe(401), {
      timeoutMs: 8_000,
      intervalMs: 200,
    });
    expect((await issue({ name: 'erin', expiresAt: '2020-01-01T00:00:00Z' })).status).toBe(400);
    // The bootstrap token still works: it is the break-glass operator.
    expect((await platform.api('GET', '/v1/operator-tokens')).status).toBe(200);
  }, 60_000);
});
