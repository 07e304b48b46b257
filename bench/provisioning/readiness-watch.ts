import { randomUUID } from 'node:crypto';
import { Consumer, Kafka } from 'kafkajs';
import { SeenFailure } from './registration-outcomes';

export type Outcome = 'ready' | 'failed' | 'late';

/**
 * ServiceReady and ServiceFailed as they arrive (own consumer group, from the beginning of this run's
 * topics): when each tenant became Ready, its stage timings, or why it failed. Time is taken in the
 * message handler, so no timer polls for it.
 */
export class ReadinessWatch {
  readonly readyAt = new Map<string, number>();
  readonly stageTimings = new Map<string, Record<string, number>>();
  readonly failures = new Map<string, SeenFailure>();
  /** Tenants seen Ready more than once, with how many ServiceReady each had beyond the first. */
  readonly duplicateReady = new Map<string, number>();
  /** Called with each tenant's first ServiceReady (e.g. to sample memory at checkpoints). */
  onReady?: (tenantId: string) => void;
  private readonly waiters = new Map<string, () => void>();

  private constructor(
    private readonly consumer: Consumer,
    private readonly topics: { ready: string; failed: string },
  ) {}

  static async start(
    kafka: Kafka,
    topics: { ready: string; failed: string },
  ): Promise<ReadinessWatch> {
    const consumer = kafka.consumer({ groupId: `bench-${randomUUID()}`, maxWaitTimeInMs: 100 });
    const watch = new ReadinessWatch(consumer, topics);
    await consumer.connect();
    await consumer.subscribe({ topics: [topics.ready, topics.failed], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => watch.seen(topic, message.value?.toString()),
    });
    return watch;
  }

  /** Resolves when the tenant is Ready or Failed, or with `late` at `deadline` (performance.now()). */
  outcome(tenantId: string, deadline: number): Promise<Outcome> {
    const now = this.known(tenantId);
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          this.waiters.delete(tenantId);
          resolve('late');
        },
        Math.max(0, deadline - performance.now()),
      );
      this.waiters.set(tenantId, () => {
        clearTimeout(timer);
        this.waiters.delete(tenantId);
        resolve(this.known(tenantId)!);
      });
    });
  }

  /** A registration the API refused: failed at stage `api`, nothing to wait for. */
  refused(tenantId: string, reason: string): void {
    this.failures.set(tenantId, { stage: 'api', reason });
    this.waiters.get(tenantId)?.();
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }

  private known(tenantId: string): Outcome | undefined {
    if (this.readyAt.has(tenantId)) return 'ready';
    return this.failures.has(tenantId) ? 'failed' : undefined;
  }

  private seen(topic: string, value: string | undefined): void {
    const at = performance.now();
    if (!value) return;
    const { payload } = JSON.parse(value);
    if (topic === this.topics.ready) {
      if (this.readyAt.has(payload.tenantId)) {
        this.duplicateReady.set(
          payload.tenantId,
          (this.duplicateReady.get(payload.tenantId) ?? 0) + 1,
        );
        return;
      }
      this.readyAt.set(payload.tenantId, at);
      this.stageTimings.set(payload.tenantId, payload.stageTimings);
      this.onReady?.(payload.tenantId);
    } else {
      this.failures.set(payload.tenantId, { stage: payload.stage, reason: payload.reason });
    }
    this.waiters.get(payload.tenantId)?.();
  }
}
