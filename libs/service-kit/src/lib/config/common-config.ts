import { z } from 'zod';
import { ConfigDefinition } from './config-definition';

const port = z.coerce.number().int().min(1).max(65535);

/** Variables every Enclave service reads. */
export const commonConfig = new ConfigDefinition({
  ENCLAVE_ALLOW_EXAMPLE_SECRETS: {
    schema: z.enum(['true', 'false']).default('false'),
    description:
      '`true` lets secrets hold the example values docker-compose.yml publishes (development only); otherwise the service refuses to start with them.',
  },
  HTTP_PORT: { schema: port, description: 'Port of the HTTP server (health, API).' },
  HTTP_HOST: {
    schema: z.string().default('127.0.0.1'),
    description: 'Interface the HTTP server binds to (0.0.0.0 in containers).',
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
    description: 'Minimum level of the JSON logs.',
  },
  DATABASE_URL: {
    schema: z.string().url().startsWith('postgres'),
    description:
      "PostgreSQL URL of the platform's own state (outbox, processed events, stage state).",
    secret: true,
  },
  DATABASE_POOL_SIZE: {
    schema: z.coerce.number().int().min(1).max(100).default(10),
    description: 'Connections in the platform database pool.',
  },
  KAFKA_BROKERS: {
    schema: z
      .string()
      .transform((s) =>
        s
          .split(',')
          .map((b) => b.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().regex(/^[^:]+:\d+$/, 'each broker must be host:port')).min(1)),
    description: 'Comma-separated Kafka bootstrap servers (host:port).',
  },
  KAFKA_SASL_MECHANISM: {
    schema: z.enum(['scram-sha-512', 'scram-sha-256', 'plain']).default('scram-sha-512'),
    description: 'SASL mechanism of KAFKA_SASL_USERNAME (SASL_PLAINTEXT).',
  },
  KAFKA_SASL_USERNAME: {
    schema: z.string().min(1).max(200).optional(),
    description:
      "The service's own Kafka principal (SASL); unset: no authentication (a broker without SASL).",
    requires: ['KAFKA_SASL_PASSWORD'],
  },
  KAFKA_SASL_PASSWORD: {
    schema: z.string().min(1).optional(),
    description: 'Password of KAFKA_SASL_USERNAME.',
    secret: true,
    requires: ['KAFKA_SASL_USERNAME'],
  },
  KAFKA_TOPIC_PREFIX: {
    schema: z
      .string()
      .regex(/^[a-z0-9._-]{0,40}$/, 'lowercase letters, digits, . _ -')
      .default(''),
    description: 'Prefix of every Kafka topic, so environments (or test runs) can share a cluster.',
  },
  KAFKA_CONSUMER_CONCURRENCY: {
    schema: z.coerce.number().int().min(1).max(64).default(6),
    description: 'Partitions one replica handles at once; stages are I/O-bound.',
  },
  KAFKA_CONSUMER_KEY_CONCURRENCY: {
    schema: z.coerce.number().int().min(1).max(64).default(8),
    description:
      "Keys (tenant registrations) handled at once within one partition; one key's events stay in order. 1: one event at a time per partition. Open handler transactions stay below DATABASE_POOL_SIZE.",
  },
  KAFKA_TOPIC_PARTITIONS: {
    schema: z.coerce.number().int().min(1).max(256).default(6),
    description:
      'Partitions of topics the service creates when missing (work spreads by partition).',
  },
  METRICS_TOKEN: {
    schema: z.string().min(16, 'at least 16 characters').optional(),
    description:
      'Bearer token a Prometheus scraper presents at GET /metrics; unset: no /metrics route.',
    secret: true,
  },
  // OpenTelemetry tracing: read by @enclave/tracing and the OTel SDK themselves (standard names);
  // declared here so they are validated, documented and masked like the rest.
  OTEL_TRACES_EXPORTER: {
    schema: z
      .string()
      .regex(/^\s*(none|otlp|console)(\s*,\s*(none|otlp|console))*\s*$/i, 'none, otlp, console')
      .default('none'),
    description:
      'Trace exporters: `otlp` (OTLP over HTTP, JSON), `console`, or both comma-separated; `none` (default) leaves tracing off.',
  },
  OTEL_SDK_DISABLED: {
    schema: z.enum(['true', 'false', 'TRUE', 'FALSE']).optional(),
    description: '`true` turns tracing off whatever OTEL_TRACES_EXPORTER says.',
  },
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: {
    schema: z.string().url().optional(),
    description:
      'Full URL the OTLP exporter POSTs spans to (e.g. http://collector:4318/v1/traces).',
  },
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    schema: z.string().url().optional(),
    description:
      'Base URL of an OTLP/HTTP collector (`/v1/traces` is appended); default http://localhost:4318.',
  },
  OTEL_EXPORTER_OTLP_HEADERS: {
    schema: z.string().optional(),
    description: 'Headers sent with every export, `key=value,key2=value2` (a collector API key).',
    secret: true,
  },
  OTEL_SERVICE_NAME: {
    schema: z.string().min(1).optional(),
    description: "The traces' service.name; default: the app's name.",
  },
  OTEL_BSP_SCHEDULE_DELAY: {
    schema: z.coerce.number().int().min(0).optional(),
    description: 'Milliseconds between span batch exports (default 5000).',
  },
});

export type CommonConfig = ReturnType<typeof commonConfig.load>;
