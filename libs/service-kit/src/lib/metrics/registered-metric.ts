import { Counter, Gauge, Histogram, Metric } from 'prom-client';
import { metricsRegistry } from './metrics.registry';

type Kind = typeof Counter | typeof Gauge | typeof Histogram;

/**
 * A metric on the process registry, created once: a second call with the same name (another
 * instance of the same class, a module loaded twice in a test) gets the first one back instead of
 * prom-client's "already registered" error.
 */
export function registeredMetric<K extends Kind>(
  kind: K,
  configuration: Omit<ConstructorParameters<K>[0], 'registers'>,
): InstanceType<K> {
  const existing = metricsRegistry.getSingleMetric(configuration.name) as Metric | undefined;
  if (existing) return existing as InstanceType<K>;
  return new kind({
    ...configuration,
    registers: [metricsRegistry],
  } as never) as InstanceType<K>;
}
