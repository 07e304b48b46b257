import { CollectedMessage } from '@enclave/testing';

export interface TenantTimes {
  readonly registrationId: string;
  readonly startedAt: Date;
  readonly finishedAt: Date;
}

interface Seen {
  /** The envelope's occurredAt: when the producer appended it to its outbox, in its transaction. */
  readonly occurredAt: number;
  /** The Kafka record's timestamp: when the outbox relay sent it. */
  readonly sentAt: number;
  readonly payload: { registrationId: string; rolloutId: string; durationMs?: number };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

/**
 * Where one tenant's upgrade spends its time, from the registry's dispatch to its recording of the
 * stage's report, cut at the events' own timestamps (one machine, one clock). Percentiles of each
 * segment over the tenants of one rollout.
 */
export function upgradeTimeline(
  rolloutId: string,
  requested: readonly CollectedMessage[],
  upgraded: readonly CollectedMessage[],
  tenants: readonly TenantTimes[],
) {
  const byRegistration = (messages: readonly CollectedMessage[]) => {
    const out = new Map<string, Seen>();
    for (const { message } of messages) {
      const envelope = JSON.parse(message.value!.toString());
      if (envelope.payload.rolloutId !== rolloutId) continue;
      // The first one counts; a redelivery would come later.
      if (out.has(envelope.payload.registrationId)) continue;
      out.set(envelope.payload.registrationId, {
        occurredAt: Date.parse(envelope.occurredAt),
        sentAt: Number(message.timestamp),
        payload: envelope.payload,
      });
    }
    return out;
  };
  const asked = byRegistration(requested);
  const answered = byRegistration(upgraded);
  const segments: Record<string, number[]> = {
    registry_dispatch_to_kafka: [],
    queued_before_migration_runner_works: [],
    migration_runner_work: [],
    migration_runner_commit_to_kafka: [],
    kafka_to_registry_recorded: [],
  };
  for (const t of tenants) {
    const req = asked.get(t.registrationId);
    const up = answered.get(t.registrationId);
    if (!req || !up || up.payload.durationMs === undefined) continue;
    const workStarted = up.occurredAt - up.payload.durationMs;
    segments.registry_dispatch_to_kafka.push(req.sentAt - t.startedAt.getTime());
    segments.queued_before_migration_runner_works.push(workStarted - req.sentAt);
    segments.migration_runner_work.push(up.payload.durationMs);
    segments.migration_runner_commit_to_kafka.push(up.sentAt - up.occurredAt);
    segments.kafka_to_registry_recorded.push(t.finishedAt.getTime() - up.sentAt);
  }
  const round = (n: number) => Math.round(n);
  return {
    tenants: segments.migration_runner_work.length,
    p50_ms: Object.fromEntries(
      Object.entries(segments).map(([k, v]) => [k, round(percentile(v, 50))]),
    ),
    p99_ms: Object.fromEntries(
      Object.entries(segments).map(([k, v]) => [k, round(percentile(v, 99))]),
    ),
    mean_ms: Object.fromEntries(
      Object.entries(segments).map(([k, v]) => [
        k,
        round(v.reduce((a, b) => a + b, 0) / Math.max(1, v.length)),
      ]),
    ),
  };
}
