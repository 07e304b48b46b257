import { tenantIdSchema } from '@enclave/contracts';
import {
  ConfigDefinition,
  ConfigOf,
  ConfigValidationError,
  commonConfig,
} from '@enclave/service-kit';
import { multiTenantEnabled } from '@enclave/tenancy-sdk';
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);
const flag = (fallback: 'true' | 'false') =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback)
    .transform((v) => v === 'true' || v === '1');
const commaList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string()).min(1));
const mongoUrl = z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URL');
const {
  HTTP_PORT,
  HTTP_HOST,
  LOG_LEVEL,
  KAFKA_BROKERS,
  KAFKA_TOPIC_PREFIX,
  KAFKA_SASL_MECHANISM,
  KAFKA_SASL_USERNAME,
  KAFKA_SASL_PASSWORD,
  METRICS_TOKEN,
} = commonConfig.variables;

const variables = {
  HTTP_PORT,
  HTTP_HOST,
  LOG_LEVEL,
  METRICS_TOKEN,
  MULTI_TENANT_ENABLED: {
    // The SDK's own reading of the variable, so start-up and the SDK can never disagree.
    schema: z
      .string()
      .default('true')
      .refine((raw) => parses(() => multiTenantEnabled({ MULTI_TENANT_ENABLED: raw })), {
        message: 'must be true or false',
      })
      .transform((raw) => multiTenantEnabled({ MULTI_TENANT_ENABLED: raw })),
    description:
      '`true` (default): each tenant gets its own PostgreSQL schema or database, MongoDB database and RabbitMQ vhost, resolved through the platform from the token. `false`: one pre-configured database (`SINGLE_TENANT_*`), no token, no registry, no Kafka.',
  },
  JWT_SECRET: {
    schema: z.string().min(32, 'must be at least 32 characters').optional(),
    description:
      'HS256 key of the identity provider that signs tenant tokens (multi-tenant mode: this and/or `JWT_JWKS_URL`).',
    secret: true,
  },
  JWT_JWKS_URL: {
    schema: z.string().url().optional(),
    description:
      'JWKS URL of the identity provider, for RS256/ES256 tokens (multi-tenant mode: this and/or `JWT_SECRET`).',
  },
  JWT_ISSUER: {
    schema: commaList.optional(),
    description:
      'Accepted `iss` of tenant tokens, comma-separated (required in multi-tenant mode).',
  },
  JWT_AUDIENCE: {
    schema: commaList.default('ledger'),
    description: 'Accepted `aud` of tenant tokens, comma-separated.',
  },
  ENCLAVE_REGISTRY_URL: {
    schema: z.string().url().optional(),
    description:
      "Base URL of the platform's tenant-registry, which resolves each tenant (required in multi-tenant mode).",
  },
  ENCLAVE_PRODUCT_TOKEN: {
    schema: z.string().min(16, 'must be at least 16 characters').optional(),
    description:
      "This product's API token for the registry (an operator gets it with `POST /v1/products/ledger/tokens`; required in multi-tenant mode).",
    secret: true,
  },
  TENANT_PG_HOST: {
    schema: z.string().min(1).optional(),
    description:
      'Host of the tenant PostgreSQL server, as this app reaches it (required in multi-tenant mode).',
  },
  TENANT_PG_PORT: { schema: port.default(5432), description: 'Port of that server.' },
  TENANT_PG_POOL_SIZE: {
    schema: z.coerce.number().int().min(1).max(50).default(4),
    description: 'Connections per tenant pool (of the one pool in single-tenant mode).',
  },
  TENANT_PG_MAX_CONNECTIONS: {
    schema: z.coerce.number().int().min(1).max(10_000).default(200),
    description:
      'Hard cap on PostgreSQL connections of all tenant pools together (idle pools are closed to make room).',
  },
  TENANT_MONGO_URL: {
    schema: mongoUrl.optional(),
    description:
      'MongoDB server URL without credentials; each tenant logs in as its own user (required in multi-tenant mode).',
  },
  TENANT_MONGO_AUTHENTICATE: {
    schema: flag('true'),
    description:
      'Log in to MongoDB as the tenant user. `false` only for development servers without user management (mongo-java-server).',
  },
  TENANT_AMQP_HOST: {
    schema: z.string().min(1).optional(),
    description:
      'Host of the tenant RabbitMQ server, as this app reaches it (required in multi-tenant mode).',
  },
  TENANT_AMQP_PORT: { schema: port.default(5672), description: 'AMQP port of that server.' },
  KAFKA_BROKERS: {
    schema: KAFKA_BROKERS.schema.optional(),
    description:
      'Comma-separated Kafka bootstrap servers (host:port) of the platform, for tenant lifecycle events (required in multi-tenant mode).',
  },
  KAFKA_TOPIC_PREFIX,
  KAFKA_SASL_MECHANISM,
  KAFKA_SASL_USERNAME: {
    ...KAFKA_SASL_USERNAME,
    description:
      "The product's own Kafka principal (SASL), allowed to read the lifecycle events meant for products; unset: no authentication.",
  },
  KAFKA_SASL_PASSWORD,
  SINGLE_TENANT_DATABASE_URL: {
    schema: z.string().url().startsWith('postgres').optional(),
    description:
      'PostgreSQL URL of the one database, ledger migrations applied (required in single-tenant mode).',
    secret: true,
  },
  SINGLE_TENANT_MONGO_URL: {
    schema: mongoUrl.optional(),
    description:
      'MongoDB URL for account metadata in single-tenant mode (optional: without it the metadata routes answer 501).',
    secret: true,
  },
  SINGLE_TENANT_MONGO_DATABASE: {
    schema: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,63}$/)
      .default('ledger'),
    description: 'MongoDB database of that server (single-tenant mode).',
  },
  SINGLE_TENANT_AMQP_URL: {
    schema: z
      .string()
      .regex(/^amqps?:\/\//, 'must be an amqp:// URL')
      .optional(),
    description:
      'AMQP URL for transaction events in single-tenant mode (optional; the app declares the `ledger.events` exchange there itself).',
    secret: true,
  },
  SINGLE_TENANT_ID: {
    schema: tenantIdSchema.default('default'),
    description: 'The tenant id the app reports in single-tenant mode.',
  },
};

type SampleLedgerVariables = typeof variables;

/** What multi-tenant mode needs (the platform, the token keys, the tenant servers), and single-tenant mode. */
const REQUIRED_BY_MODE: Record<'multi' | 'single', (keyof SampleLedgerVariables)[]> = {
  multi: [
    'JWT_ISSUER',
    'ENCLAVE_REGISTRY_URL',
    'ENCLAVE_PRODUCT_TOKEN',
    'TENANT_PG_HOST',
    'TENANT_MONGO_URL',
    'TENANT_AMQP_HOST',
    'KAFKA_BROKERS',
  ],
  single: ['SINGLE_TENANT_DATABASE_URL'],
};

/**
 * Per-variable validation, then what depends on the mode: a variable that is optional in one mode
 * is required in the other, and start-up must say so instead of failing at the first request.
 */
class SampleLedgerConfigDefinition extends ConfigDefinition<SampleLedgerVariables> {
  override load(env: NodeJS.ProcessEnv = process.env): ConfigOf<SampleLedgerVariables> {
    const config = super.load(env);
    const mode = config.MULTI_TENANT_ENABLED ? 'multi' : 'single';
    const problems = REQUIRED_BY_MODE[mode]
      .filter((name) => config[name] === undefined)
      .map((name) => {
        const variable: { description: string; secret?: boolean } = this.variables[name];
        return `${name} is required when MULTI_TENANT_ENABLED=${mode === 'multi'}${variable.secret ? ' (secret)' : ''} — ${variable.description}`;
      });
    if (mode === 'multi' && !config.JWT_SECRET && !config.JWT_JWKS_URL) {
      problems.push(
        'JWT_SECRET or JWT_JWKS_URL is required when MULTI_TENANT_ENABLED=true — tenant tokens must be verifiable',
      );
    }
    if (config.TENANT_PG_POOL_SIZE > config.TENANT_PG_MAX_CONNECTIONS) {
      problems.push('TENANT_PG_POOL_SIZE must not exceed TENANT_PG_MAX_CONNECTIONS');
    }
    if (problems.length > 0) throw new ConfigValidationError(problems);
    return config;
  }
}

export const sampleLedgerConfig = new SampleLedgerConfigDefinition(variables);

export type SampleLedgerConfig = ConfigOf<SampleLedgerVariables>;

function parses(read: () => unknown): boolean {
  try {
    read();
    return true;
  } catch {
    return false;
  }
}
