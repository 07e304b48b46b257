import { EventOf, ServiceDeprovisionRequested } from '@enclave/contracts';
import { checkOffboardingOrdered } from '@enclave/lifecycle';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { SECRET_STORE, SecretStore } from '@enclave/secret-store';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { TrackReleaseUseCase } from '../status/track-release.use-case';

/**
 * An offboarding began: the registration shows `deprovisioning` until every stage released it. Only
 * one the tenant-registry ordered (its order in the vault): a forged request is dead-lettered, so
 * it cannot put a Ready registration's status into an offboarding that never happens.
 */
@Controller()
export class ServiceDeprovisionRequestedHandler {
  constructor(
    private readonly trackRelease: TrackReleaseUseCase,
    @Inject(SECRET_STORE) private readonly secrets: SecretStore,
  ) {}

  @HandlesEvent(ServiceDeprovisionRequested)
  async handle(
    @Payload() event: EventOf<typeof ServiceDeprovisionRequested>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await checkOffboardingOrdered(this.secrets, event.payload);
    await this.trackRelease.execute(ctx, event, {
      kind: 'requested',
      resources: event.payload.resources,
    });
  }
}
