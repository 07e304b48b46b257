import { Registry } from 'prom-client';

/**
 * The process's one Prometheus registry: libs and apps register their metrics on it, `GET /metrics`
 * serves it. Module-level, like prom-client's own default registry, but ours: a test process that
 * loads several apps' code still gets one set of names.
 */
export const metricsRegistry = new Registry();
