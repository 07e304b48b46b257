import { recordExercised, recordNotExercised, testInfra } from '@enclave/testing';
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';

/**
 * The servers started by scripts/infra-up.sh (or pointed at by env) are real and do what the
 * platform needs of them; what they cannot do here is said, not hidden.
 */
describe('real servers of this machine', () => {
  const infra = testInfra();

  it('MongoDB: databases, collections, indexes, CRUD, listDatabases, dropDatabase', async () => {
    const client = await new MongoClient(infra.mongoUrl, {
      serverSelectionTimeoutMS: 5_000,
    }).connect();
    try {
      const name = `it_${randomBytes(4).toString('hex')}`;
      const db = client.db(name);
      await db.collection('items').createIndex({ sku: 1 }, { unique: true });
      await db.collection('items').insertOne({ sku: 'a-1', qty: 3 });
      await expect(db.collection('items').insertOne({ sku: 'a-1', qty: 4 })).rejects.toThrow(
        /duplicate key/i,
      );
      expect(await db.collection('items').findOne({ sku: 'a-1' })).toMatchObject({ qty: 3 });
      const { databases } = await client.db('admin').admin().listDatabases();
      expect(databases.map((d) => d.name)).toContain(name);
      await db.dropDatabase();
      const after = await client.db('admin').admin().listDatabases();
      expect(after.databases.map((d) => d.name)).not.toContain(name);
      const build = await client.db('admin').command({ buildInfo: 1 });
      recordExercised(
        'MongoDB',
        `${new URL(infra.mongoUrl).host} (${infra.mongoServerKind}, reports ${build.version})`,
      );

      const createUser = await client
        .db(name)
        .command({ createUser: 'probe', pwd: randomBytes(12).toString('hex'), roles: [] })
        .then(() => 'supported')
        .catch((error: Error) => error.message);
      if (createUser !== 'supported') {
        recordNotExercised(
          'MongoDB',
          'user creation and authentication',
          `this server answers createUser with "${createUser.slice(0, 80)}"`,
        );
      } else {
        await client.db(name).command({ dropUser: 'probe' });
      }
    } finally {
      await client.close();
    }
  });

  it('RabbitMQ: the management API creates and deletes a vhost', async () => {
    const url = new URL(infra.rabbitmqMgmtUrl);
    const auth = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    const api = (p: string, init: RequestInit = {}) =>
      fetch(`${url.origin}/api/${p}`, {
        ...init,
        headers: { authorization: auth, 'content-type': 'application/json' },
      });
    const vhost = `it-${randomBytes(4).toString('hex')}`;
    expect((await api(`vhosts/${vhost}`, { method: 'PUT', body: '{}' })).status).toBe(201);
    expect((await api(`vhosts/${vhost}`)).status).toBe(200);
    expect((await api(`vhosts/${vhost}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(`vhosts/${vhost}`)).status).toBe(404);
    const overview = (await (await api('overview')).json()) as { rabbitmq_version: string };
    recordExercised(
      'RabbitMQ',
      `${url.host} management API (RabbitMQ ${overview.rabbitmq_version})`,
    );
  });
});
