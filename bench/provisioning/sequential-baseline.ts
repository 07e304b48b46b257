import { IsolationMode, ProductManifest, tenantResourceNames } from '@enclave/contracts';
import { exampleProducts } from '@enclave/product-catalog';
import { EmbeddedSecretStore, generatePassword } from '@enclave/secret-store';
import { RabbitMqTenantProvisioner } from '../../apps/broker-provisioner/src/provisioning/rabbitmq-tenant.provisioner';
import { TenantMigrator } from '../../apps/migration-runner/src/migrations/tenant-migrator';
import { TenantPostgresEndpoint } from '../../apps/migration-runner/src/migrations/tenant-postgres.endpoint';
import { MongoTenantProvisioner } from '../../apps/mongo-provisioner/src/provisioning/mongo-tenant.provisioner';
import { PostgresTenantProvisioner } from '../../apps/postgres-provisioner/src/provisioning/postgres-tenant.provisioner';

/**
 * The baseline: the same resource operations the platform performs for one registration (vault
 * writes, PostgreSQL role + schema/database, the product's migrations, MongoDB database, RabbitMQ
 * vhost and topology), done one after another by a plain script with the same classes.
 */
export class SequentialBaseline {
  private readonly migrator = new TenantMigrator();

  constructor(
    private readonly secrets: EmbeddedSecretStore,
    private readonly postgres: PostgresTenantProvisioner,
    private readonly mongo: MongoTenantProvisioner,
    private readonly rabbit: RabbitMqTenantProvisioner,
    private readonly endpoint: TenantPostgresEndpoint,
  ) {}

  /** One registration's resource operations, one after another; ms. */
  async provision(
    tenantId: string,
    manifest: ProductManifest,
    mode: IsolationMode,
  ): Promise<number> {
    const product = manifest.name;
    const names = tenantResourceNames(tenantId, product, mode);
    const started = performance.now();
    const pg = { username: names.pgRole, password: generatePassword() };
    const mg = { username: names.mongoUser, password: generatePassword() };
    const mq = { username: names.rabbitUser, password: generatePassword() };
    await this.secrets.put(names.secretPath('postgres'), pg);
    await this.secrets.put(names.secretPath('mongodb'), mg);
    await this.secrets.put(names.secretPath('rabbitmq'), mq);
    const created = await this.postgres.provision({ tenantId, product, mode, ...pg });
    await this.migrator.migrate({
      connectionString: this.endpoint.connectionString({
        user: pg.username,
        password: pg.password,
        database: created.database,
      }),
      schema: created.schema,
      migrations: manifest.resources.postgres!.migrations,
    });
    await this.mongo.provision({
      tenantId,
      product,
      mode,
      ...mg,
      collections: manifest.resources.mongodb!.collections,
    });
    await this.rabbitmq(tenantId, manifest, mode, mq.password);
    return performance.now() - started;
  }

  /** The RabbitMQ part alone (vhost or shared-vhost set: user, permissions, limits, topology). */
  async rabbitmq(
    tenantId: string,
    manifest: ProductManifest,
    mode: IsolationMode,
    password = generatePassword(),
  ): Promise<void> {
    await this.rabbit.provision({
      tenantId,
      product: manifest.name,
      mode,
      username: tenantResourceNames(tenantId, manifest.name, mode).rabbitUser,
      password,
      topology: manifest.resources.rabbitmq!,
    });
  }

  /**
   * DATABASE mode's PostgreSQL part alone (role, database, migrations as the tenant's role), the
   * database created empty and migrated, or copied from the product version's template (the first
   * copy builds the template); ms.
   */
  async postgresPart(tenantId: string, product: 'ledger', template: boolean): Promise<number> {
    const migrations = exampleProducts.get(product)!.resources.postgres!.migrations;
    const names = tenantResourceNames(tenantId, product, 'DATABASE');
    const pg = { username: names.pgRole, password: generatePassword() };
    const started = performance.now();
    const created = await this.postgres.provision({
      tenantId,
      product,
      mode: 'DATABASE',
      ...pg,
      ...(template ? { template: { productVersion: 'bench', migrations } } : {}),
    });
    await this.migrator.migrate({
      connectionString: this.endpoint.connectionString({
        user: pg.username,
        password: pg.password,
        database: created.database,
      }),
      schema: created.schema,
      migrations,
    });
    return performance.now() - started;
  }
}
