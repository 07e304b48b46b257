import { EventOf, ServiceDeprovisionRequested } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { TrackReleaseUseCase } from '../status/track-release.use-case';

@Controller()
export class ServiceDeprovisionRequestedHandler {
  constructor(private readonly trackRelease: TrackReleaseUseCase) {}

  @HandlesEvent(ServiceDeprovisionRequested)
  async handle(
    @Payload() event: EventOf<typeof ServiceDeprovisionRequested>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.trackRelease.execute(ctx, event, {
      kind: 'requested',
      resources: event.payload.resources,
    });
  }
}
