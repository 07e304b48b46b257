/** A registration the bench saw fail: ServiceFailed on Kafka, or the API refused it (stage `api`). */
export interface SeenFailure {
  readonly stage: string;
  readonly reason: string;
}

/** The readiness-aggregator's row for a registration (readiness_aggregator.service_status). */
export interface AggregatorStatus {
  readonly tenantId: string;
  readonly state: string;
  /** Null until the aggregator has seen ServiceRegistered. */
  readonly required: readonly string[] | null;
  readonly stages: Readonly<Record<string, { status: string; reason?: string | null } | undefined>>;
}

export interface OutcomeReport {
  readonly submitted: number;
  readonly ready: number;
  readonly failed: number;
  /** Neither Ready nor Failed when the bench stopped waiting. */
  readonly late: number;
  /** Stage → late registrations still waiting on it (one registration may wait on several). */
  readonly waiting_on: Record<string, number>;
  /** `stage: reason` (tenant names masked) → failed registrations. */
  readonly failure_causes: Record<string, number>;
}

/** The late registration has no aggregator row with its required stages yet. */
export const NOT_REGISTERED = 'registration (ServiceRegistered not seen by the aggregator)';
/** Every stage is done in the aggregator, but its ServiceReady had not reached the bench. */
export const READY_NOT_SEEN = 'ServiceReady (all stages done, event not seen yet)';

/**
 * What became of a phase's registrations when the bench stopped waiting. Those neither Ready nor
 * seen Failed are looked up in the aggregator's rows: Failed there (ServiceFailed still on its way)
 * counts as failed; otherwise late, waiting on each required stage not done.
 */
export function buildOutcomeReport(input: {
  readonly submitted: readonly string[];
  readonly ready: ReadonlySet<string>;
  readonly failures: ReadonlyMap<string, SeenFailure>;
  readonly statuses: readonly AggregatorStatus[];
}): OutcomeReport {
  const rows = new Map(input.statuses.map((s) => [s.tenantId, s]));
  const waitingOn = new Map<string, number>();
  const causes = new Map<string, number>();
  const bump = (counts: Map<string, number>, key: string) =>
    counts.set(key, (counts.get(key) ?? 0) + 1);
  let ready = 0;
  let failed = 0;
  let late = 0;
  for (const tenantId of input.submitted) {
    if (input.ready.has(tenantId)) {
      ready++;
      continue;
    }
    const seen = input.failures.get(tenantId);
    const row = rows.get(tenantId);
    const failedStages = Object.entries(row?.stages ?? {}).filter(
      ([, s]) => s?.status === 'failed',
    );
    if (seen || row?.state === 'failed' || failedStages.length) {
      failed++;
      const found = seen
        ? [seen]
        : failedStages.map(([stage, s]) => ({ stage, reason: s?.reason ?? 'no reason given' }));
      if (!found.length) bump(causes, 'unknown: Failed without a failed stage');
      for (const f of found) bump(causes, `${f.stage}: ${maskTenant(f.reason, tenantId)}`);
      continue;
    }
    late++;
    if (!row?.required) {
      bump(waitingOn, NOT_REGISTERED);
      continue;
    }
    const open = row.required.filter((stage) => row.stages[stage]?.status !== 'done');
    if (!open.length) bump(waitingOn, READY_NOT_SEEN);
    for (const stage of open) bump(waitingOn, stage);
  }
  return {
    submitted: input.submitted.length,
    ready,
    failed,
    late,
    waiting_on: largestFirst(waitingOn),
    failure_causes: largestFirst(causes),
  };
}

/**
 * A reason with the tenant's names masked (as given, and as resource names spell it with `_`), so
 * one cause is one histogram entry; long reasons are cut.
 */
export function maskTenant(reason: string, tenantId: string): string {
  const variants = [tenantId, tenantId.replace(/-/g, '_')].map((v) =>
    v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
  );
  const masked = reason.replace(new RegExp(variants.join('|'), 'gi'), '<tenant>');
  return masked.length > 200 ? `${masked.slice(0, 200)}…` : masked;
}

function largestFirst(counts: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...counts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b)));
}
