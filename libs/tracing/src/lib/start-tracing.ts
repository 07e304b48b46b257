import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { SecretMaskingSpanProcessor } from './secret-masking.span-processor';

// Probes and scrapes are polled constantly; a trace per poll would bury the real work.
const POLLED_ROUTES = /^\/(health|metrics)(\/|\?|$)/;

let provider: NodeTracerProvider | undefined;

/** The exporters OTEL_TRACES_EXPORTER names (`none`, the default here, names none). */
export function tracesExporters(env: NodeJS.ProcessEnv): string[] {
  if ((env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true') return [];
  return (env.OTEL_TRACES_EXPORTER ?? 'none')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name === 'otlp' || name === 'console');
}

/**
 * Starts OpenTelemetry tracing for this process when OTEL_TRACES_EXPORTER says `otlp` and/or
 * `console` (off otherwise; OTEL_SDK_DISABLED=true always wins). The OTLP exporter (HTTP, JSON)
 * reads its endpoint, headers and timeout from the standard OTEL_EXPORTER_OTLP_* variables, the batch
 * processor its delays from OTEL_BSP_*. Instrumentations patch modules as they are required, so this
 * runs before anything loads pg, mongodb, amqplib or http: each app's main.ts imports its
 * `tracing.ts` first. Returns whether tracing is on.
 */
export function startTracing(service: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (provider) return true;
  const exporters = tracesExporters(env);
  if (exporters.length === 0) return false;
  if (env.OTEL_LOG_LEVEL) {
    const level = DiagLogLevel[env.OTEL_LOG_LEVEL.toUpperCase() as keyof typeof DiagLogLevel];
    diag.setLogger(new DiagConsoleLogger(), level ?? DiagLogLevel.WARN);
  }
  const spanProcessors: SpanProcessor[] = [new SecretMaskingSpanProcessor()];
  if (exporters.includes('otlp'))
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
  if (exporters.includes('console'))
    spanProcessors.push(new SimpleSpanProcessor(new ConsoleSpanExporter()));
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME || service }),
    spanProcessors,
  });
  // Global provider, AsyncLocalStorage context and the W3C trace-context propagator.
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => POLLED_ROUTES.test(request.url ?? ''),
        requireParentforOutgoingSpans: true,
      }),
      // fetch(): the RabbitMQ management API, the vault.
      new UndiciInstrumentation({ requireParentforSpans: true }),
      // Only statements inside a trace: the outbox relay's polls would each be a trace of their own.
      // Statement text is recorded, never its parameters (enhancedDatabaseReporting off); password
      // literals in it are masked by SecretMaskingSpanProcessor.
      new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
      // Commands are recorded with their values replaced by `?` (the default serializer).
      new MongoDBInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
      new AmqplibInstrumentation(),
    ],
  });
  return true;
}

/** Exports what is still buffered (at shutdown, so the last spans are not lost). */
export async function flushTracing(): Promise<void> {
  await provider?.forceFlush();
}
