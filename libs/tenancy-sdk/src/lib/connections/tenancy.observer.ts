/** The stores a TenantConnectionManager leases connections from. */
export type TenancyStore = 'postgres' | 'mongodb' | 'rabbitmq';

/** How resolving a tenant ended: served, or the reason it was not. */
export type ResolutionOutcome =
  'ready' | 'suspended' | 'not-ready' | 'unknown' | 'unavailable' | 'error';

/**
 * Told what the connection manager does, for metrics (TenancyMetrics) or a product's own
 * instrumentation. Called synchronously on the request path: keep it cheap and never throw.
 */
export interface TenancyObserver {
  /** One resolution through the platform (requests that joined one in flight are not counted). */
  resolved?(outcome: ResolutionOutcome, seconds: number): void;
  /** One lease asked for: how long it took to get (or to fail), cold resolution included. */
  acquired?(store: TenancyStore, outcome: 'ok' | 'error', seconds: number): void;
}
