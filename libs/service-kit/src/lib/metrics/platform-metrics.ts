import { Counter, Histogram } from 'prom-client';
import { registeredMetric } from './registered-metric';

/**
 * The metrics every service shares, by the names the Grafana dashboards query
 * (deploy/grafana/dashboards). Each is labelled with `service` by the registry's default labels.
 */
export const PlatformMetrics = {
  /** Events taken off Kafka, by outcome: handled, duplicate, skipped (not the handler's concern), retried, dead_lettered. */
  eventsHandled: registeredMetric(Counter, {
    name: 'enclave_events_handled_total',
    help: 'Events consumed, by topic, event type and outcome (handled, duplicate, skipped, retried, dead_lettered).',
    labelNames: ['topic', 'type', 'outcome'] as const,
  }),
  /** One handler attempt, from decode to commit. */
  handlerDuration: registeredMetric(Histogram, {
    name: 'enclave_event_handler_duration_seconds',
    help: 'Duration of one handler attempt (transaction included), by event type and outcome.',
    labelNames: ['type', 'outcome'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  }),
  deadLetters: registeredMetric(Counter, {
    name: 'enclave_dead_letters_total',
    help: 'Events sent to a dead-letter topic, by source topic.',
    labelNames: ['topic'] as const,
  }),
};
