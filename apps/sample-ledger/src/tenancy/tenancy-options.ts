import { metricsRegistry } from '@enclave/service-kit';
import { PlatformTenantResolver, TenancyModuleOptions } from '@enclave/tenancy-sdk';
import { SampleLedgerConfig } from '../config/sample-ledger.config';
import { LedgerProduct } from '../ledger/ledger-product';

/**
 * The tenancy SDK's options from the config. Multi-tenant: tokens verified with the identity
 * provider's key, each tenant resolved through the platform's registry (this product's token; the
 * app holds no vault access), connections to the tenant servers as this app reaches them.
 * Single-tenant: one pre-configured database and nothing else.
 */
export function tenancyOptionsFrom(config: SampleLedgerConfig): TenancyModuleOptions {
  const common = {
    product: LedgerProduct.name,
    multiTenant: config.MULTI_TENANT_ENABLED,
    singleTenantId: config.SINGLE_TENANT_ID,
    metrics: { registry: metricsRegistry },
  };
  if (!config.MULTI_TENANT_ENABLED) {
    return {
      ...common,
      singleTenant: {
        postgres: {
          connectionString: config.SINGLE_TENANT_DATABASE_URL,
          max: config.TENANT_PG_POOL_SIZE,
        },
        mongodb: config.SINGLE_TENANT_MONGO_URL
          ? { url: config.SINGLE_TENANT_MONGO_URL, database: config.SINGLE_TENANT_MONGO_DATABASE }
          : undefined,
        rabbitmq: config.SINGLE_TENANT_AMQP_URL
          ? { url: config.SINGLE_TENANT_AMQP_URL }
          : undefined,
      },
    };
  }
  // Presence of these in multi-tenant mode is checked at start-up (sampleLedgerConfig.load).
  return {
    ...common,
    token: {
      issuer: config.JWT_ISSUER!,
      audience: config.JWT_AUDIENCE,
      secret: config.JWT_SECRET,
      jwksUrl: config.JWT_JWKS_URL,
    },
    resolver: new PlatformTenantResolver({
      url: config.ENCLAVE_REGISTRY_URL!,
      token: config.ENCLAVE_PRODUCT_TOKEN!,
      endpoints: {
        postgres: { host: config.TENANT_PG_HOST!, port: config.TENANT_PG_PORT },
        mongodb: { url: config.TENANT_MONGO_URL! },
        rabbitmq: { host: config.TENANT_AMQP_HOST!, port: config.TENANT_AMQP_PORT },
      },
    }),
    postgres: {
      poolSize: config.TENANT_PG_POOL_SIZE,
      maxConnections: config.TENANT_PG_MAX_CONNECTIONS,
      maxPools: Math.max(
        1,
        Math.floor(config.TENANT_PG_MAX_CONNECTIONS / config.TENANT_PG_POOL_SIZE),
      ),
    },
    mongodb: { poolSize: 2, authenticate: config.TENANT_MONGO_AUTHENTICATE },
    rabbitmq: {},
  };
}
