import {
  RegistrationRef,
  ResourceKind,
  ServiceFailedPayload,
  ServiceReadyPayload,
  ServiceRetryStartedPayload,
  ServiceState,
  ServiceStatusChangedPayload,
  Stage,
  StageCondition,
  requiredStages,
} from '@enclave/contracts';
import type { ServiceStatusEntity } from './service-status.entity';
import type { StageOutcome } from './stage-outcome';

type Tracked = Pick<
  ServiceStatusEntity,
  | 'state'
  | 'required'
  | 'registeredAt'
  | 'stages'
  | 'schemaVersion'
  | 'revision'
  | 'retries'
  | 'released'
  | 'deprovisionRequestedAt'
>;

type Fields<P> = Omit<P, keyof RegistrationRef>;

/** One event a change is told with, without the registration's own fields. */
export type StatusNews =
  | ({ readonly type: 'ServiceReady' } & Fields<ServiceReadyPayload>)
  | ({ readonly type: 'ServiceFailed' } & Fields<ServiceFailedPayload>)
  | ({ readonly type: 'ServiceRetryStarted' } & Fields<ServiceRetryStartedPayload>)
  | ({ readonly type: 'ServiceStatusChanged' } & Fields<ServiceStatusChangedPayload>)
  | { readonly type: 'ServiceDeprovisioned' };

/**
 * `changed` is false when the event changes nothing (nothing to save); `news` is what to publish,
 * in order, and may be empty for a change only the row keeps (an offboarding under way).
 */
export interface StatusChange {
  readonly changed: boolean;
  readonly news: readonly StatusNews[];
}

const UNCHANGED: StatusChange = { changed: false, news: [] };

export interface RetryRequest {
  readonly retry: number;
  readonly resources: ResourceKind[];
  readonly productVersion: string | null;
}

/**
 * Folds what is said about a registration into its status and decides its state: Ready once every
 * required stage is done, Failed once one of them failed, each said once, on the transition. Events
 * come from several topics in any order and any number of times: a stage's first report wins, and
 * from the offboarding request on, provisioning reports are history. State in, state out, no I/O.
 */
export class ServiceStatusProgress {
  constructor(private readonly status: Tracked) {}

  /** A stage's report, or the registration itself (which names the stages required). */
  record(outcome: StageOutcome, at: string): StatusChange {
    const before = this.status.state;
    // Offboarded: a late or replayed provisioning report is history, not news.
    if (before === 'deprovisioning' || before === 'deleted') return UNCHANGED;
    if (!this.apply(outcome, at)) return UNCHANGED;
    const after = this.decide(before);
    this.status.state = after;
    // The registry made the registration provisioning with every required stage pending: seen
    // before any stage reported, it tells no reader anything, so it is kept, not announced (one
    // status event less per registration; revisions count announced changes only).
    if (outcome.kind === 'registered' && after === before && !this.anyStageReported()) {
      return { changed: true, news: [] };
    }
    this.status.revision += 1;
    const news: StatusNews[] = [];
    if (before === 'provisioning' && after === 'ready') news.push(this.ready());
    if (before === 'provisioning' && after === 'failed') news.push(this.failure());
    news.push(this.changedTo(after));
    return { changed: true, news };
  }

  private anyStageReported(): boolean {
    return Object.keys(this.status.stages).length > 0;
  }

  /**
   * An operator's retry: a Failed registration's failed stages go back to pending, the done ones
   * stay done. A retry no newer than the last taken, or of a registration not Failed, is a repeat.
   */
  retry({ retry, resources, productVersion }: RetryRequest): StatusChange {
    if (retry <= this.status.retries || this.status.state !== 'failed') return UNCHANGED;
    this.status.stages = Object.fromEntries(
      Object.entries(this.status.stages).filter(([, record]) => record?.status !== 'failed'),
    );
    this.status.state = 'provisioning';
    this.status.retries = retry;
    this.status.revision += 1;
    return {
      changed: true,
      news: [
        { type: 'ServiceRetryStarted', retry, resources, productVersion },
        this.changedTo('provisioning'),
      ],
    };
  }

  /** The operator's offboarding request: it is `deprovisioning` until every stage released it. */
  deprovisionRequested(resources: readonly ResourceKind[], at: string): StatusChange {
    if (this.status.state === 'deleted' || this.status.state === 'deprovisioning') {
      return UNCHANGED;
    }
    this.status.state = 'deprovisioning';
    this.status.deprovisionRequestedAt = new Date(at);
    // What the stages release is what the registration needed, known here even if its
    // ServiceRegistered never was (a registration that failed before it arrived).
    this.status.required ??= requiredStages(resources);
    return this.releaseDecided();
  }

  /** One stage removed what it made; it may come before the request (topics are read apart). */
  released(stage: Stage, at: string): StatusChange {
    if (this.status.state === 'deleted' || this.status.released[stage]) return UNCHANGED;
    this.status.released = { ...this.status.released, [stage]: at };
    return this.releaseDecided();
  }

  /** The stages still to release it (all it needed until the offboarding is under way). */
  awaitingRelease(): Stage[] {
    return (this.status.required ?? []).filter((stage) => !this.status.released[stage]);
  }

  /** Each required stage's condition; before the registration is seen, those reported so far. */
  conditions(): StageCondition[] {
    const { required, stages, registeredAt } = this.status;
    return (required ?? (Object.keys(stages) as Stage[])).map((stage) => {
      const record = stages[stage];
      const completedAt = record?.completedAt ?? null;
      return {
        stage,
        status: record?.status ?? 'pending',
        reason: record?.reason ?? null,
        completedAt,
        durationMs:
          completedAt && registeredAt
            ? Math.max(0, new Date(completedAt).getTime() - registeredAt.getTime())
            : null,
      };
    });
  }

  /** Returns false when the outcome changes nothing (a repeat, or news about a settled stage). */
  private apply(outcome: StageOutcome, at: string): boolean {
    if (outcome.kind === 'registered') {
      if (this.status.required) return false;
      this.status.required = outcome.required;
      this.status.registeredAt = new Date(at);
      return true;
    }
    if (this.status.stages[outcome.stage]) return false;
    this.status.stages = {
      ...this.status.stages,
      [outcome.stage]: {
        status: outcome.kind,
        completedAt: at,
        reason: outcome.kind === 'failed' ? outcome.reason : null,
      },
    };
    if (outcome.kind === 'done' && outcome.schemaVersion !== undefined)
      this.status.schemaVersion = outcome.schemaVersion;
    return true;
  }

  /** Only a provisioning registration whose required stages are known is decided. */
  private decide(state: ServiceState): ServiceState {
    const { required, stages } = this.status;
    if (state !== 'provisioning' || !required) return state;
    if (required.some((stage) => stages[stage]?.status === 'failed')) return 'failed';
    if (required.every((stage) => stages[stage]?.status === 'done')) return 'ready';
    return state;
  }

  private releaseDecided(): StatusChange {
    if (this.status.state !== 'deprovisioning' || this.awaitingRelease().length > 0) {
      return { changed: true, news: [] };
    }
    this.status.state = 'deleted';
    return { changed: true, news: [{ type: 'ServiceDeprovisioned' }] };
  }

  private ready(): StatusNews {
    return {
      type: 'ServiceReady',
      schemaVersion: this.status.schemaVersion,
      stageTimings: Object.fromEntries(this.conditions().map((c) => [c.stage, c.durationMs ?? 0])),
    };
  }

  /** The cause: the first failed stage on record. */
  private failure(): StatusNews {
    const [stage, record] = Object.entries(this.status.stages).find(
      ([, r]) => r?.status === 'failed',
    )! as [Stage, { reason: string }];
    return { type: 'ServiceFailed', stage, reason: record.reason };
  }

  private changedTo(state: ServiceState): StatusNews {
    return {
      type: 'ServiceStatusChanged',
      state,
      conditions: this.conditions(),
      revision: this.status.revision,
    };
  }
}
