import type { EventEnvelope } from '@enclave/contracts';
import {
  Attributes,
  Context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TextMapGetter,
  context,
  propagation,
  trace,
} from '@opentelemetry/api';
import type { IHeaders } from 'kafkajs';

// The API is a no-op until a tracer provider is registered (tracing off): spans are not recorded and
// nothing is injected, so the outbox stores NULL and messages carry no trace headers.
const tracer = trace.getTracer('@enclave/messaging');

function eventAttributes(envelope: EventEnvelope, topic: string): Attributes {
  return {
    'messaging.system': 'kafka',
    'messaging.destination.name': topic,
    'messaging.message.id': envelope.id,
    'enclave.event.type': envelope.type,
    'enclave.tenant_id': envelope.tenantId,
    'enclave.correlation_id': envelope.correlationId,
  };
}

/**
 * Records the event's publication as a PRODUCER span beneath the work in progress and returns that
 * span's W3C trace context (traceparent, tracestate) as JSON, for the outbox row; null when tracing
 * is off. The span ends at once: it marks the moment the event was written, the relay only ships it.
 */
export function tracePublication(envelope: EventEnvelope, topic: string): string | null {
  const span = tracer.startSpan(`${envelope.type} publish`, {
    kind: SpanKind.PRODUCER,
    attributes: eventAttributes(envelope, topic),
  });
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  span.end();
  return Object.keys(carrier).length ? JSON.stringify(carrier) : null;
}

/** The Kafka headers that carry an outbox row's stored trace context. */
export function traceHeaders(stored: string | null): Record<string, string> | undefined {
  if (!stored) return undefined;
  try {
    const parsed = JSON.parse(stored) as Record<string, unknown>;
    const headers = Object.fromEntries(
      Object.entries(parsed).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      ),
    );
    return Object.keys(headers).length ? headers : undefined;
  } catch {
    return undefined;
  }
}

const headerGetter: TextMapGetter<IHeaders | undefined> = {
  keys: (headers) => Object.keys(headers ?? {}),
  get: (headers, key) => {
    const value = headers?.[key];
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined ? undefined : first.toString();
  },
};

/** The context a consumed message's headers carry (the root context when they carry none). */
export function contextFromHeaders(headers: IHeaders | undefined): Context {
  return propagation.extract(ROOT_CONTEXT, headers, headerGetter);
}

/** Notes how handling ended on the active CONSUMER span (dead letters mark it failed). */
export function traceOutcome(outcome: string, error?: unknown): void {
  const span = trace.getActiveSpan();
  if (!span) return;
  span.setAttribute('enclave.outcome', outcome);
  if (outcome === 'dead_lettered') {
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error | undefined)?.message });
  }
}

/**
 * Runs the handling of a consumed event in a CONSUMER span (`<EventType> process`), child of the span
 * that published it, so everything the handler does (database, brokers, HTTP, the events it writes)
 * joins the registration's trace.
 */
export async function traceProcessing<T>(
  envelope: EventEnvelope,
  topic: string,
  headers: IHeaders | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  const parent = contextFromHeaders(headers);
  const span = tracer.startSpan(
    `${envelope.type} process`,
    { kind: SpanKind.CONSUMER, attributes: eventAttributes(envelope, topic) },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), fn);
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}
