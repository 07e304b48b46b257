import {
  ResourceKind,
  TenantResourceNames,
  productNameSchema,
  tenantIdSchema,
  tenantResourceNames,
} from '@enclave/contracts';
import { SecretStore, StoredSecret } from '@enclave/secret-store';
import { TenantNotReadyError } from '../errors/tenant-not-ready.error';
import { TenantSuspendedError } from '../errors/tenant-suspended.error';
import { UnknownTenantError } from '../errors/unknown-tenant.error';
import { RegistrationDirectory } from './registration.directory';
import {
  MongoConnectionInfo,
  PostgresConnectionInfo,
  RabbitConnectionInfo,
  TenantConnectionInfo,
} from './tenant-connection-info';
import { TenantEndpoints } from './tenant-endpoints';
import { TenantResolver } from './tenant.resolver';

export interface VaultTenantResolverOptions {
  readonly directory: RegistrationDirectory;
  readonly secrets: SecretStore;
  /** Which stores the product uses, and where they are: only their credentials are read. */
  readonly endpoints: TenantEndpoints;
}

/**
 * Resolves a tenant from the registration facts (RegistrationDirectory) and its credentials in the
 * vault, at the paths and with the names the platform derives (`tenantResourceNames`). Reads only the
 * product's own paths for the requested tenant, and nothing at all for a tenant it may not serve.
 */
export class VaultTenantResolver implements TenantResolver {
  constructor(private readonly options: VaultTenantResolverOptions) {
    if (!options.endpoints.postgres && !options.endpoints.mongodb && !options.endpoints.rabbitmq) {
      throw new Error(
        'VaultTenantResolver needs at least one endpoint (postgres, mongodb, rabbitmq)',
      );
    }
  }

  async resolve(tenantId: string, product: string): Promise<TenantConnectionInfo> {
    // Callers pass verified claims, but the ids end up in vault paths and SQL: check them anyway.
    if (
      !tenantIdSchema.safeParse(tenantId).success ||
      !productNameSchema.safeParse(product).success
    ) {
      throw new UnknownTenantError(String(tenantId).slice(0, 40), String(product).slice(0, 40));
    }
    const facts = await this.options.directory.find(tenantId, product);
    if (!facts) throw new UnknownTenantError(tenantId, product);
    if (facts.state === 'suspended') throw new TenantSuspendedError(tenantId, product);
    if (facts.state !== 'ready') throw new TenantNotReadyError(tenantId, product, facts.state);

    const names = tenantResourceNames(tenantId, product, facts.isolationMode);
    const { postgres, mongodb, rabbitmq } = this.options.endpoints;
    const read = (resource: ResourceKind) => this.credential(names, tenantId, product, resource);
    const [pg, mongo, rabbit] = await Promise.all([
      postgres && read('postgres'),
      mongodb && read('mongodb'),
      rabbitmq && read('rabbitmq'),
    ]);

    return {
      tenantId,
      product,
      isolationMode: facts.isolationMode,
      state: 'ready',
      postgres:
        postgres && pg
          ? ({
              host: postgres.host,
              port: postgres.port,
              database: names.pgDatabase,
              schema: names.pgSchema,
              ...credentialsOf(pg),
            } satisfies PostgresConnectionInfo)
          : undefined,
      mongodb:
        mongodb && mongo
          ? ({
              url: mongodb.url,
              database: names.mongoDatabase,
              ...credentialsOf(mongo),
            } satisfies MongoConnectionInfo)
          : undefined,
      rabbitmq:
        rabbitmq && rabbit
          ? ({
              protocol: rabbitmq.protocol ?? 'amqp',
              host: rabbitmq.host,
              port: rabbitmq.port,
              ...(rabbitmq.isolation === 'SHARED_VHOST'
                ? {
                    vhost: names.sharedVhost,
                    isolation: 'SHARED_VHOST',
                    prefix: names.rabbitPrefix,
                  }
                : { vhost: names.vhost, isolation: 'VHOST', prefix: '' }),
              ...credentialsOf(rabbit),
            } satisfies RabbitConnectionInfo)
          : undefined,
    };
  }

  private async credential(
    names: TenantResourceNames,
    tenantId: string,
    product: string,
    resource: ResourceKind,
  ): Promise<StoredSecret> {
    const secret = await this.options.secrets.find(names.secretPath(resource));
    if (!secret || !secret.data.username || !secret.data.password) {
      // Ready but no credential: revoked (offboarding under way) or a registration without it.
      throw new TenantNotReadyError(tenantId, product, `${resource} credentials missing`);
    }
    return secret;
  }
}

function credentialsOf(secret: StoredSecret) {
  return {
    username: secret.data.username,
    password: secret.data.password,
    secretVersion: secret.ref.version,
  };
}
