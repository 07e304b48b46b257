import { tenantResourceNames } from '@enclave/contracts';
import { InMemorySecretStore, StoredSecret } from '@enclave/secret-store';
import { TenantNotReadyError } from '../errors/tenant-not-ready.error';
import { TenantSuspendedError } from '../errors/tenant-suspended.error';
import { UnknownTenantError } from '../errors/unknown-tenant.error';
import { InMemoryRegistrationDirectory } from './in-memory.registration-directory';
import { VaultTenantResolver } from './vault.tenant-resolver';

/** The in-memory vault, recording which paths were read. */
class MapSecretStore extends InMemorySecretStore {
  readonly reads: string[] = [];

  override async find(path: string): Promise<StoredSecret | undefined> {
    this.reads.push(path);
    return super.find(path);
  }
}

describe('VaultTenantResolver', () => {
  const endpoints = {
    postgres: { host: 'pg.internal', port: 5433 },
    mongodb: { url: 'mongodb://mongo.internal:27017' },
    rabbitmq: { host: 'mq.internal', port: 5672 },
  };
  let directory: InMemoryRegistrationDirectory;
  let secrets: MapSecretStore;
  let resolver: VaultTenantResolver;

  beforeEach(async () => {
    directory = new InMemoryRegistrationDirectory();
    secrets = new MapSecretStore();
    resolver = new VaultTenantResolver({ directory, secrets, endpoints });
    for (const [tenant, mode] of [
      ['acme', 'SCHEMA'],
      ['globex', 'DATABASE'],
    ] as const) {
      const names = tenantResourceNames(tenant, 'ledger', mode);
      await secrets.put(names.secretPath('postgres'), {
        username: names.pgRole,
        password: `${tenant}-pg`,
      });
      await secrets.put(names.secretPath('postgres'), {
        username: names.pgRole,
        password: `${tenant}-pg2`,
      });
      await secrets.put(names.secretPath('mongodb'), {
        username: names.mongoUser,
        password: `${tenant}-mg`,
      });
      await secrets.put(names.secretPath('rabbitmq'), {
        username: names.rabbitUser,
        password: `${tenant}-mq`,
      });
      directory.set(tenant, 'ledger', { isolationMode: mode, state: 'ready' });
    }
    secrets.reads.length = 0;
  });

  it('SCHEMA mode: the product database, the tenant schema, the latest credential version', async () => {
    const info = await resolver.resolve('acme', 'ledger');
    expect(info).toEqual({
      tenantId: 'acme',
      product: 'ledger',
      isolationMode: 'SCHEMA',
      state: 'ready',
      postgres: {
        host: 'pg.internal',
        port: 5433,
        database: 'p_ledger',
        schema: 't_acme',
        username: 't_acme__ledger_s',
        password: 'acme-pg2',
        secretVersion: 2,
      },
      mongodb: {
        url: 'mongodb://mongo.internal:27017',
        database: 't_acme__ledger',
        username: 't_acme__ledger',
        password: 'acme-mg',
        secretVersion: 1,
      },
      rabbitmq: {
        protocol: 'amqp',
        host: 'mq.internal',
        port: 5672,
        vhost: 't_acme__ledger',
        isolation: 'VHOST',
        prefix: '',
        username: 't_acme__ledger',
        password: 'acme-mq',
        secretVersion: 1,
      },
    });
  });

  it("DATABASE mode: the tenant's own database and public schema; reads only that tenant's paths", async () => {
    const info = await resolver.resolve('globex', 'ledger');
    expect(info.postgres).toMatchObject({
      database: 't_globex__ledger',
      schema: 'public',
      username: 't_globex__ledger_d',
    });
    expect(secrets.reads.sort()).toEqual([
      'tenants/globex/ledger/mongodb',
      'tenants/globex/ledger/postgres',
      'tenants/globex/ledger/rabbitmq',
    ]);
  });

  it("a product with a shared vhost: the product's vhost and the tenant's prefix", async () => {
    const shared = new VaultTenantResolver({
      directory,
      secrets,
      endpoints: { rabbitmq: { ...endpoints.rabbitmq, isolation: 'SHARED_VHOST' } },
    });
    expect((await shared.resolve('acme', 'ledger')).rabbitmq).toMatchObject({
      vhost: 'p_ledger',
      isolation: 'SHARED_VHOST',
      prefix: 't.acme.',
      username: 't_acme__ledger',
    });
  });

  it('reads only the stores the product uses', async () => {
    const pgOnly = new VaultTenantResolver({
      directory,
      secrets,
      endpoints: { postgres: endpoints.postgres },
    });
    const info = await pgOnly.resolve('acme', 'ledger');
    expect(info.mongodb).toBeUndefined();
    expect(info.rabbitmq).toBeUndefined();
    expect(secrets.reads).toEqual(['tenants/acme/ledger/postgres']);
  });

  it('unknown (404), suspended (403), provisioning or failed (503): no secret is read', async () => {
    await expect(resolver.resolve('initech', 'ledger')).rejects.toBeInstanceOf(UnknownTenantError);
    await expect(resolver.resolve('acme', 'tracer')).rejects.toBeInstanceOf(UnknownTenantError);
    await expect(resolver.resolve('Robert"); DROP', 'ledger')).rejects.toMatchObject({
      status: 404,
    });
    directory.set('acme', 'ledger', { isolationMode: 'SCHEMA', state: 'suspended' });
    await expect(resolver.resolve('acme', 'ledger')).rejects.toBeInstanceOf(TenantSuspendedError);
    for (const state of ['provisioning', 'failed'] as const) {
      directory.set('acme', 'ledger', { isolationMode: 'SCHEMA', state });
      await expect(resolver.resolve('acme', 'ledger')).rejects.toMatchObject({
        status: 503,
        reason: 'tenant-not-ready',
        detail: state,
      });
    }
    expect(secrets.reads).toEqual([]);
  });

  it('a ready tenant whose credentials were revoked is not ready (503), not a crash', async () => {
    await secrets.revoke('tenants/acme/ledger/postgres');
    const error = await resolver.resolve('acme', 'ledger').catch((e) => e);
    expect(error).toBeInstanceOf(TenantNotReadyError);
    expect(error.message).toContain('postgres credentials missing');
  });
});
