import { tenantResourceNames } from '@enclave/contracts';
import { PermanentStageError } from '@enclave/lifecycle';
import { exampleProducts } from '@enclave/product-catalog';
import { recordExercised, recordNotExercised, testInfra } from '@enclave/testing';
import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import {
  MongoProvisionRequest,
  MongoTenantProvisioner,
} from '../../../apps/mongo-provisioner/src/provisioning/mongo-tenant.provisioner';

const collections = exampleProducts.get('ledger')!.resources.mongodb!.collections;

/** MongoTenantProvisioner against the real MongoDB-compatible server (or a real mongod via MONGO_URL). */
describe('MongoTenantProvisioner', () => {
  const infra = testInfra();
  // The embedded server has no users: the test profile allows that explicitly (fail-closed otherwise).
  const allowance = { allowUnauthenticatedTenants: infra.mongoAllowUnauthenticatedTenants };
  const timings: string[] = [];
  let admin: MongoClient;
  let provisioner: MongoTenantProvisioner;
  const tenants: string[] = [];

  const request = (overrides: Partial<MongoProvisionRequest> = {}): MongoProvisionRequest => {
    const tenantId = `it-${randomBytes(4).toString('hex')}`;
    tenants.push(tenantId);
    return {
      tenantId,
      product: 'ledger',
      mode: 'SCHEMA',
      password: randomBytes(16).toString('hex'),
      collections,
      ...overrides,
    };
  };
  const databaseOf = (r: MongoProvisionRequest) =>
    tenantResourceNames(r.tenantId, r.product, r.mode).mongoDatabase;
  const databases = async () =>
    (await admin.db('admin').admin().listDatabases({ nameOnly: true })).databases.map(
      (d) => d.name,
    );
  const layout = async (database: string) => {
    const db = admin.db(database);
    const names = (await db.listCollections({}, { nameOnly: true }).toArray())
      .map((c) => c.name)
      .sort();
    const indexes = await Promise.all(
      names.map(async (name) =>
        (await db.collection(name).listIndexes().toArray())
          .map((i) => ({ collection: name, name: i.name, key: i.key, unique: i.unique ?? false }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      ),
    );
    return { collections: names, indexes: indexes.flat() };
  };

  beforeAll(async () => {
    admin = await new MongoClient(infra.mongoUrl, { serverSelectionTimeoutMS: 5_000 }).connect();
    provisioner = new MongoTenantProvisioner(infra.mongoUrl, allowance);
  });

  afterAll(async () => {
    await Promise.all(
      tenants.map((tenantId) => provisioner.deprovision({ tenantId, product: 'ledger' })),
    );
    await provisioner?.close();
    await admin?.close();
    if (timings.length > 0) console.log(`MongoTenantProvisioner.provision: ${timings.join(', ')}`);
  });

  it('creates the database, its collections and indexes exactly once, however often and concurrently it runs', async () => {
    const cold = request();
    let started = performance.now();
    const result = await provisioner.provision(cold);
    timings.push(
      `first use (capability detection + connect) ${(performance.now() - started).toFixed(1)} ms`,
    );
    const warm: number[] = [];
    for (let i = 0; i < 7; i++) {
      started = performance.now();
      await provisioner.provision(request());
      warm.push(performance.now() - started);
    }
    warm.sort((x, y) => x - y);
    timings.push(
      `next tenants median ${warm[3].toFixed(1)} ms (min ${warm[0].toFixed(1)}, max ${warm[6].toFixed(1)})`,
    );

    const names = tenantResourceNames(cold.tenantId, 'ledger', 'SCHEMA');
    expect(result).toMatchObject({
      database: names.mongoDatabase,
      user: names.mongoUser,
      collections: 2,
    });
    const expected = {
      collections: ['attachments', 'metadata'],
      indexes: [
        { collection: 'attachments', name: '_id_', key: { _id: 1 }, unique: false },
        {
          collection: 'attachments',
          name: 'by_transaction',
          key: { transactionId: 1 },
          unique: false,
        },
        { collection: 'metadata', name: '_id_', key: { _id: 1 }, unique: false },
        {
          collection: 'metadata',
          name: 'entity_unique',
          key: { entityType: 1, entityId: 1 },
          unique: true,
        },
      ],
    };
    expect(await layout(names.mongoDatabase)).toEqual(expected);

    await provisioner.provision(cold);
    const again = await Promise.all([
      provisioner.provision(cold),
      provisioner.provision(cold),
      provisioner.provision(cold),
    ]);
    expect(new Set(again.map((r) => JSON.stringify(r)))).toEqual(new Set([JSON.stringify(result)]));
    expect(await layout(names.mongoDatabase)).toEqual(expected);

    // Concurrent first runs on a fresh database: the racing createCollection calls must converge.
    for (let round = 0; round < 3; round++) {
      const fresh = request();
      await Promise.all(Array.from({ length: 6 }, () => provisioner.provision(fresh)));
      expect(await layout(databaseOf(fresh))).toEqual(expected);
    }
    recordExercised(
      'MongoDB',
      `${new URL(infra.mongoUrl).host} tenant databases, collections, indexes (${infra.mongoServerKind})`,
    );
  });

  it('enforces the manifest’s unique index', async () => {
    const r = request();
    await provisioner.provision(r);
    const metadata = admin.db(databaseOf(r)).collection('metadata');
    await metadata.insertOne({ entityType: 'account', entityId: 'a-1' });
    await metadata.insertOne({ entityType: 'account', entityId: 'a-2' });
    await expect(
      metadata.insertOne({ entityType: 'account', entityId: 'a-1' }),
    ).rejects.toMatchObject({ code: 11000 });
    expect(await metadata.countDocuments()).toBe(2);
  });

  it('refuses an existing index whose spec differs from the manifest, changing nothing', async () => {
    const r = request();
    await provisioner.provision(r);
    const changed = collections.map((c) =>
      c.name === 'metadata'
        ? {
            ...c,
            indexes: [{ name: 'entity_unique', key: { entityType: 1 as const }, unique: true }],
          }
        : c,
    );
    await expect(provisioner.provision({ ...r, collections: changed })).rejects.toBeInstanceOf(
      PermanentStageError,
    );
    const indexes = await admin.db(databaseOf(r)).collection('metadata').listIndexes().toArray();
    expect(indexes.filter((i) => i.name === 'entity_unique')).toEqual([
      expect.objectContaining({ key: { entityType: 1, entityId: 1 }, unique: true }),
    ]);
  });

  it('refuses a secret naming another user than the derived one', async () => {
    await expect(
      provisioner.provision(request({ username: 't_someone_else_ledger' })),
    ).rejects.toBeInstanceOf(PermanentStageError);
  });

  it('deprovision removes the database and its user, and can be repeated', async () => {
    const r = request();
    await provisioner.provision(r);
    expect(await databases()).toContain(databaseOf(r));
    await provisioner.deprovision(r);
    expect(await databases()).not.toContain(databaseOf(r));
    await provisioner.deprovision(r);
    await provisioner.deprovision(request());
    expect(await databases()).not.toContain(databaseOf(r));
    if ((await provisioner.userManagement()) === 'enforced') {
      const names = tenantResourceNames(r.tenantId, r.product, r.mode);
      const info = await admin.db(names.mongoDatabase).command({ usersInfo: names.mongoUser });
      expect(info.users).toEqual([]);
    }
  });

  /**
   * Per-tenant users and cross-tenant denial. On a server without user management (mongo-java-server,
   * this machine's default) the result must say so and the run records the check as not performed.
   * REAL-MONGOD BRANCH: runs only when MONGO_URL points at a mongod with access control (e.g. the
   * docker-compose stack, MONGO_URL=mongodb://enclave-admin:…@127.0.0.1:37017/?authSource=admin).
   */
  it('gives each tenant a user that can use its own database and is refused on every other tenant’s', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const fresh = new MongoTenantProvisioner(infra.mongoUrl, allowance);
    try {
      const a = request();
      const b = request();
      const [resultA, resultB] = [await fresh.provision(a), await fresh.provision(b)];
      await fresh.provision(a);
      expect(resultB.userManagement).toBe(resultA.userManagement);
      if (infra.mongoServerKind === 'mongo-java-server')
        expect(resultA.userManagement).toBe('unsupported-by-server');

      if (resultA.userManagement === 'unsupported-by-server') {
        // Said once, at first use, naming what is not enforced; never per tenant.
        const warnings = warn.mock.calls
          .map(([message]) => String(message))
          .filter((m) => m.includes('unsupported-by-server'));
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatch(/users are NOT created.*NOT access-controlled/);
        recordNotExercised(
          'MongoDB',
          'per-tenant user creation and cross-tenant denial',
          `this server (${infra.mongoServerKind} at ${new URL(infra.mongoUrl).host}) has no user management ` +
            '(usersInfo/createUser: CommandNotFound); provisioning reports userManagement=unsupported-by-server, ' +
            'allowed only because the test profile sets MONGO_ALLOW_UNAUTHENTICATED_TENANTS=true',
        );
        return;
      }

      // --- real mongod with access control only ---
      expect(resultA.userManagement).toBe('enforced');
      const login = async (r: MongoProvisionRequest, password = r.password) => {
        const url = new URL(infra.mongoUrl);
        url.username = tenantResourceNames(r.tenantId, r.product, r.mode).mongoUser;
        url.password = password;
        url.pathname = '/';
        url.search = `?authSource=${databaseOf(r)}`;
        return new MongoClient(url.toString(), { serverSelectionTimeoutMS: 5_000 }).connect();
      };
      const clientA = await login(a);
      try {
        await clientA
          .db(databaseOf(a))
          .collection('metadata')
          .insertOne({ entityType: 'x', entityId: '1' });
        expect(await clientA.db(databaseOf(a)).collection('metadata').countDocuments()).toBe(1);
        await expect(
          clientA
            .db(databaseOf(b))
            .collection('metadata')
            .insertOne({ entityType: 'x', entityId: '1' }),
        ).rejects.toMatchObject({
          code: 13,
        });
        await expect(
          clientA.db(databaseOf(b)).collection('metadata').findOne({}),
        ).rejects.toMatchObject({ code: 13 });
        // Without the listDatabases privilege, mongod lists only the databases the user may read.
        const visible = await clientA.db('admin').admin().listDatabases({ nameOnly: true });
        expect(visible.databases.map((d) => d.name)).toEqual([databaseOf(a)]);
      } finally {
        await clientA.close();
      }
      const names = tenantResourceNames(a.tenantId, a.product, a.mode);
      const info = await admin.db(names.mongoDatabase).command({ usersInfo: names.mongoUser });
      expect(info.users[0].roles).toEqual([{ role: 'readWrite', db: names.mongoDatabase }]);
      // A re-issued password converges: the new one works, the old one is refused.
      const rotated = { ...a, password: randomBytes(16).toString('hex') };
      await fresh.provision(rotated);
      await expect(login(a)).rejects.toMatchObject({ code: 18 });
      await (await login(rotated)).close();
      recordExercised(
        'MongoDB',
        'per-tenant users (readWrite on own database) and cross-tenant denial',
      );
    } finally {
      warn.mockRestore();
      await fresh.close();
    }
  });

  it('fails closed: a server that does not enforce users gets no tenant database unless explicitly allowed', async () => {
    const strict = new MongoTenantProvisioner(infra.mongoUrl);
    try {
      const r = request();
      if ((await strict.userManagement()) === 'enforced') {
        // A server with users needs no allowance.
        await expect(strict.provision(r)).resolves.toMatchObject({ userManagement: 'enforced' });
        return;
      }
      const refused = strict.provision(r);
      await expect(refused).rejects.toBeInstanceOf(PermanentStageError);
      await expect(refused).rejects.toThrow(
        /does not enforce users.*MONGO_ALLOW_UNAUTHENTICATED_TENANTS=true allows it/,
      );
      // Nothing was created for the refused tenant.
      expect(await databases()).not.toContain(databaseOf(r));
    } finally {
      await strict.close();
    }
  });

  it('suspension revokes the tenant user’s roles and resuming grants them again; without users it is skipped, and says so', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    try {
      const r = request();
      await provisioner.provision(r);
      const outcome = await provisioner.setAccess(r, 'suspended');
      if ((await provisioner.userManagement()) !== 'enforced') {
        expect(outcome).toBe('skipped');
        expect(warn.mock.calls.map(([m]) => String(m))).toContainEqual(
          expect.stringMatching(
            new RegExp(`suspension of ${r.tenantId}/ledger NOT enforced on MongoDB`),
          ),
        );
        recordNotExercised(
          'MongoDB',
          'suspension revokes the tenant user’s roles',
          `this server (${infra.mongoServerKind}) has no users to revoke: the mongo-provisioner skips it and logs that it did`,
        );
        return;
      }

      // --- real mongod with access control only ---
      const names = tenantResourceNames(r.tenantId, r.product, r.mode);
      const roles = async () =>
        (await admin.db(names.mongoDatabase).command({ usersInfo: names.mongoUser })).users[0]
          .roles;
      expect(outcome).toBe('applied');
      expect(await roles()).toEqual([]);
      // A re-issued password while suspended grants nothing back.
      await provisioner.provision({ ...r, suspended: true });
      expect(await roles()).toEqual([]);
      await provisioner.setAccess(r, 'active');
      expect(await roles()).toEqual([{ role: 'readWrite', db: names.mongoDatabase }]);
      recordExercised(
        'MongoDB',
        'suspension revokes and resumption grants the tenant user’s roles',
      );
    } finally {
      warn.mockRestore();
    }
  });
});
