import type { EventEnvelope } from '@enclave/contracts';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  contextFromHeaders,
  traceHeaders,
  traceOutcome,
  tracePublication,
  traceProcessing,
} from './event-trace';

const envelope = {
  id: '6f1c2b1e-8d7a-4c1e-9b7a-0a0b0c0d0e0f',
  type: 'ServiceRegistered',
  tenantId: 'acme',
  correlationId: '0e0d0c0b-0a09-4807-8605-040302010000',
} as EventEnvelope;

describe('event trace propagation', () => {
  it('stores and sends nothing while tracing is off', async () => {
    expect(tracePublication(envelope, 'enclave.service.registered')).toBeNull();
    expect(traceHeaders(null)).toBeUndefined();
    await expect(traceProcessing(envelope, 't', undefined, async () => 42)).resolves.toBe(42);
  });

  describe('with a tracer provider', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new NodeTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    beforeAll(() => provider.register());
    afterAll(async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
    });

    it('a consumed event is handled in a CONSUMER span child of its publication, across the outbox and Kafka', async () => {
      const httpSpan = trace.getTracer('test').startSpan('POST');
      const stored = context.with(trace.setSpan(context.active(), httpSpan), () =>
        tracePublication(envelope, 'enclave.service.registered'),
      );
      httpSpan.end();
      expect(stored).toMatch(/"traceparent":"00-[0-9a-f]{32}-[0-9a-f]{16}-01"/);
      // Kafka delivers header values as Buffers.
      const headers = Object.fromEntries(
        Object.entries(traceHeaders(stored)!).map(([k, v]) => [k, Buffer.from(v)]),
      );
      let inner: string | undefined;
      await traceProcessing(envelope, 'enclave.service.registered', headers, async () => {
        inner = trace.getActiveSpan()?.spanContext().spanId;
        traceOutcome('handled');
      });

      const spans = exporter.getFinishedSpans();
      const publish = spans.find((s) => s.name === 'ServiceRegistered publish')!;
      const process = spans.find((s) => s.name === 'ServiceRegistered process')!;
      expect(publish.kind).toBe(SpanKind.PRODUCER);
      expect(publish.parentSpanContext?.spanId).toBe(httpSpan.spanContext().spanId);
      expect(process.kind).toBe(SpanKind.CONSUMER);
      expect(process.spanContext().traceId).toBe(httpSpan.spanContext().traceId);
      expect(process.parentSpanContext?.spanId).toBe(publish.spanContext().spanId);
      expect(inner).toBe(process.spanContext().spanId);
      expect(process.attributes).toMatchObject({
        'messaging.destination.name': 'enclave.service.registered',
        'messaging.message.id': envelope.id,
        'enclave.tenant_id': 'acme',
        'enclave.correlation_id': envelope.correlationId,
        'enclave.outcome': 'handled',
      });
    });

    it('an event without trace headers starts a trace of its own', async () => {
      expect(trace.getSpanContext(contextFromHeaders({}))).toBeUndefined();
      await traceProcessing(envelope, 't', undefined, async () => undefined);
      const last = exporter.getFinishedSpans().at(-1)!;
      expect(last.parentSpanContext).toBeUndefined();
    });

    it('ignores a stored trace context that is not JSON', () => {
      expect(traceHeaders('not json')).toBeUndefined();
    });
  });
});
