import {
  EventEnvelope,
  RegistrationRef,
  ServiceFailed,
  ServiceReady,
  ServiceStatusChanged,
  Stage,
  StageCondition,
} from '@enclave/contracts';
import { EventContext } from '@enclave/messaging';
import { Injectable } from '@nestjs/common';
import { lockServiceStatus } from './lock-service-status';
import { ServiceStatusEntity } from './service-status.entity';
import { StageOutcome } from './stage-outcome';

/**
 * Folds one stage event into a registration's status and decides readiness. Events for one
 * registration come from several topics in any order and any number of times: the row is locked,
 * a stage's first report wins, and Ready/Failed are published once, on the transition. Returns the
 * row, still locked for the transaction, so a caller can fold more into it without reading it again.
 */
@Injectable()
export class RecordStageOutcomeUseCase {
  async execute(
    ctx: EventContext,
    event: EventEnvelope<RegistrationRef>,
    outcome: StageOutcome,
  ): Promise<ServiceStatusEntity> {
    const { tenantId, registrationId, product, isolationMode } = event.payload;
    const status = await lockServiceStatus(ctx.tx, event.payload);

    if (!this.apply(status, event, outcome)) return status;
    const transition = this.evaluate(status);
    status.revision += 1;
    await ctx.tx.getRepository(ServiceStatusEntity).save(status);

    const registration = { tenantId, registrationId, product, isolationMode };
    if (transition === 'ready') {
      await ctx.publish(ServiceReady, {
        ...registration,
        schemaVersion: status.schemaVersion,
        stageTimings: Object.fromEntries(
          conditionsOf(status).map((c) => [c.stage, c.durationMs ?? 0]),
        ),
      });
    } else if (transition === 'failed') {
      const [stage, record] = Object.entries(status.stages).find(
        ([, r]) => r?.status === 'failed',
      )! as [Stage, { reason: string }];
      await ctx.publish(ServiceFailed, { ...registration, stage, reason: record.reason });
    }
    await ctx.publish(ServiceStatusChanged, {
      ...registration,
      state: status.state,
      conditions: conditionsOf(status),
      revision: status.revision,
    });
    return status;
  }

  /** Returns false when the event changes nothing (a repeat, or news about a settled stage). */
  private apply(status: ServiceStatusEntity, event: EventEnvelope, outcome: StageOutcome): boolean {
    // Offboarded: a late or replayed provisioning report is history, not news.
    if (status.state === 'deprovisioning' || status.state === 'deleted') return false;
    if (outcome.kind === 'registered') {
      if (status.required) return false;
      status.required = outcome.required;
      status.registeredAt = new Date(event.occurredAt);
      return true;
    }
    if (status.stages[outcome.stage]) return false;
    status.stages = {
      ...status.stages,
      [outcome.stage]: {
        status: outcome.kind,
        completedAt: event.occurredAt,
        reason: outcome.kind === 'failed' ? outcome.reason : null,
      },
    };
    if (outcome.kind === 'done' && outcome.schemaVersion !== undefined)
      status.schemaVersion = outcome.schemaVersion;
    return true;
  }

  private evaluate(status: ServiceStatusEntity): 'ready' | 'failed' | undefined {
    if (status.state !== 'provisioning' || !status.required) return undefined;
    if (status.required.some((stage) => status.stages[stage]?.status === 'failed')) {
      status.state = 'failed';
      return 'failed';
    }
    if (status.required.every((stage) => status.stages[stage]?.status === 'done')) {
      status.state = 'ready';
      return 'ready';
    }
    return undefined;
  }
}

export function conditionsOf(status: ServiceStatusEntity): StageCondition[] {
  const stages = status.required ?? (Object.keys(status.stages) as Stage[]);
  return stages.map((stage) => {
    const record = status.stages[stage];
    const completedAt = record?.completedAt ?? null;
    return {
      stage,
      status: record?.status ?? 'pending',
      reason: record?.reason ?? null,
      completedAt,
      durationMs:
        completedAt && status.registeredAt
          ? Math.max(0, new Date(completedAt).getTime() - status.registeredAt.getTime())
          : null,
    };
  });
}
