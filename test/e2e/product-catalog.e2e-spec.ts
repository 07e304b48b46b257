import { ProductManifest, ProductManifests, Topics, tenantResourceNames } from '@enclave/contracts';
import { exampleProducts } from '@enclave/product-catalog';
import { expectEventually } from '@enclave/testing';
import { Client } from 'pg';
import { PlatformHarness } from './support/platform.harness';
import { TenantResources } from './support/tenant-resources';

/** ledger 1.1.0: 1.0.0 plus one table, one column with a default, an index, a queue, a Mongo index. */
function ledgerNext(version = '1.1.0'): ProductManifest {
  const next = structuredClone(exampleProducts.get('ledger')!);
  next.version = version;
  next.resources.postgres!.migrations.push({
    version: 11,
    name: 'create-statements',
    sql: `CREATE TABLE statements (id uuid PRIMARY KEY, account_id uuid NOT NULL REFERENCES accounts (id));
ALTER TABLE accounts ADD COLUMN frozen boolean NOT NULL DEFAULT false;
CREATE INDEX statements_account ON statements (account_id);`,
  });
  next.resources.rabbitmq!.queues.push({ name: 'ledger.statements' });
  next.resources.mongodb!.collections[0].indexes.push({
    name: 'by_created',
    key: { createdAt: -1 },
    unique: false,
  });
  return next;
}

/**
 * The product catalog is data: product teams publish versions through the admin API, published
 * versions never change, a new one may only append, and every stage keeps its own copy from
 * ProductVersionPublished. New registrations get the product's current version.
 */
describe('product catalog', () => {
  const platform = new PlatformHarness();
  const tenant = `cat-${platform.runId}`;
  const resources = new TenantResources(platform.infra);
  let published: Awaited<ReturnType<PlatformHarness['collect']>>;

  const put = (manifest: unknown, product = 'ledger', version = '1.1.0') =>
    platform.api('PUT', `/v1/products/${product}/versions/${version}`, manifest);

  beforeAll(async () => {
    await platform.start();
    published = await platform.collect(Topics.ProductVersionPublished);
  }, 180_000);

  afterAll(async () => {
    await platform.stop();
    await resources.cleanUp([tenant]);
  }, 60_000);

  it('lists the example products `npm start` publishes, at their current version', async () => {
    const { status, body } = await platform.api('GET', '/v1/products');
    expect(status).toBe(200);
    expect(body).toEqual([
      {
        name: 'ledger',
        version: '1.0.0',
        defaultIsolationMode: 'SCHEMA',
        resources: ['postgres', 'mongodb', 'rabbitmq'],
        schemaVersion: 10,
        versions: 1,
      },
      {
        name: 'tracer',
        version: '1.0.0',
        defaultIsolationMode: 'DATABASE',
        resources: ['postgres'],
        schemaVersion: ProductManifests.schemaVersionOf(exampleProducts.get('tracer')!),
        versions: 1,
      },
    ]);
  });

  it('keeps a published version immutable, versions moving forward, and migrations append-only', async () => {
    const ledger = exampleProducts.get('ledger')!;
    // The same content again: a no-op.
    expect((await put(ledger, 'ledger', '1.0.0')).status).toBe(200);
    // Other content under a published version.
    const edited = await put({ ...ledger, defaultIsolationMode: 'DATABASE' }, 'ledger', '1.0.0');
    expect(edited.status).toBe(409);
    expect(edited.body.message).toMatch(/already published with other content/);
    // A new version that edits an applied migration.
    const rewritten = ledgerNext();
    rewritten.resources.postgres!.migrations[2].sql += ' -- changed';
    const changed = await put(rewritten);
    expect(changed.status).toBe(409);
    expect(changed.body.message).toMatch(/3-create-assets of 1\.0\.0 is missing or changed/);
    // A new version that drops a collection tenants have.
    const dropped = ledgerNext();
    dropped.resources.mongodb!.collections = dropped.resources.mongodb!.collections.filter(
      (c) => c.name !== 'attachments',
    );
    const droppedAnswer = await put(dropped);
    expect(droppedAnswer.status).toBe(409);
    expect(droppedAnswer.body.message).toMatch(/collection attachments of 1\.0\.0 is dropped/);
    // Invalid manifests and paths: 400 with the reason.
    const backwards = ledgerNext();
    backwards.resources.postgres!.migrations[10].version = 4;
    const invalid = await put(backwards);
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(invalid.body)).toMatch(/strictly increase/);
    const mismatch = await put(ledgerNext('1.2.0'));
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.message).toMatch(
      /names ledger 1\.2\.0, but is published as ledger 1\.1\.0/,
    );
    expect((await put(ledgerNext(), 'ledger', 'v1.1')).status).toBe(400);
    expect((await put(ledgerNext(), 'Ledger', '1.1.0')).status).toBe(400);
    // Nothing of the refused ones was kept or announced.
    expect((await platform.api('GET', '/v1/products/ledger/versions')).body.versions).toHaveLength(
      1,
    );

    // An appending version is published, once, and does not become current by itself.
    const next = ledgerNext();
    const first = await put(next);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      product: 'ledger',
      version: '1.1.0',
      schemaVersion: 11,
      checksum: ProductManifests.checksum(next),
    });
    expect((await put(next)).status).toBe(200);
    const older = await put(ledgerNext('1.0.1'), 'ledger', '1.0.1');
    expect(older.status).toBe(409);
    expect(older.body.message).toMatch(/only move forward: 1\.0\.1 is not after 1\.1\.0/);

    const { body: versions } = await platform.api('GET', '/v1/products/ledger/versions');
    expect(versions).toMatchObject({
      product: 'ledger',
      current: '1.0.0',
      versions: [
        { version: '1.0.0', schemaVersion: 10 },
        { version: '1.1.0', schemaVersion: 11 },
      ],
    });
    const { status, body } = await platform.api('GET', '/v1/products/ledger/versions/1.1.0');
    expect(status).toBe(200);
    expect(body.manifest.resources.postgres.migrations).toHaveLength(11);
    expect((await platform.api('GET', '/v1/products/ledger/versions/9.9.9')).status).toBe(404);
    expect((await platform.api('GET', '/v1/products/nope/versions')).status).toBe(404);

    // Announced once per version (the repeats published nothing).
    await expectEventually(() => {
      const keys = published.map((m) => {
        const { payload } = JSON.parse(m.message.value!.toString());
        return `${payload.product}@${payload.version}`;
      });
      expect(keys.sort()).toEqual(['ledger@1.0.0', 'ledger@1.1.0', 'tracer@1.0.0']);
    });
    // Every stage that reads manifests keeps its own copy, identical to what was published.
    for (const schema of ['mongo_provisioner', 'broker_provisioner', 'migration_runner']) {
      await expectEventually(async () => {
        const rows = await platform.platformQuery<{ version: string; checksum: string }>(
          `SELECT version, checksum FROM ${schema}.product_version WHERE product = 'ledger' ORDER BY version`,
        );
        expect(rows).toEqual([
          { version: '1.0.0', checksum: ProductManifests.checksum(exampleProducts.get('ledger')!) },
          { version: '1.1.0', checksum: ProductManifests.checksum(next) },
        ]);
      });
    }
    // A compound index keeps its key order in the stage's copy (jsonb would sort the keys).
    const [copy] = await platform.platformQuery<{ manifest: string }>(
      `SELECT manifest::text AS manifest FROM mongo_provisioner.product_version
        WHERE product = 'ledger' AND version = '1.0.0'`,
    );
    const index = JSON.parse(copy.manifest).resources.mongodb.collections[0].indexes[0];
    expect(Object.keys(index.key)).toEqual(['entityType', 'entityId']);
  });

  it('registers a tenant at the current version, shown with its schema version', async () => {
    expect(
      (await platform.api('POST', '/v1/tenants', { id: tenant, displayName: tenant })).status,
    ).toBe(201);
    const registered = await platform.api('POST', `/v1/tenants/${tenant}/services`, {
      product: 'ledger',
    });
    expect(registered.status).toBe(202);
    expect(registered.body).toMatchObject({
      productVersion: '1.0.0',
      schemaVersion: 10,
      rabbitmqIsolation: 'VHOST',
    });
    const ready = await platform.waitForState(tenant, 'ledger', 'ready');
    expect(ready).toMatchObject({ productVersion: '1.0.0', schemaVersion: 10 });

    // Structurally at 1.0.0: its ten tables, not 1.1.0's.
    const names = tenantResourceNames(tenant, 'ledger', 'SCHEMA');
    const url = new URL(platform.infra.pgAdminUrl);
    url.pathname = `/${names.pgDatabase}`;
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const { rows } = await client.query<{ table_name: string; column_name: string }>(
        `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1`,
        [names.pgSchema],
      );
      const tables = new Set(rows.map((r) => r.table_name));
      expect(tables).toContain('organizations');
      expect(tables).toContain('accounts');
      expect(tables).not.toContain('statements');
      expect(
        rows.filter((r) => r.table_name === 'accounts').map((r) => r.column_name),
      ).not.toContain('frozen');
    } finally {
      await client.end();
    }
  });

  it('refuses to register a product that was never published', async () => {
    const { status, body } = await platform.api('POST', `/v1/tenants/${tenant}/services`, {
      product: 'billing',
    });
    expect(status).toBe(422);
    expect(body.message).toMatch(/unknown product 'billing'; the catalog has: ledger, tracer/);
  });
});
