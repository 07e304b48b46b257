import { EventOf, StageReleased } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { TrackReleaseUseCase } from '../status/track-release.use-case';

@Controller()
export class StageReleasedHandler {
  constructor(private readonly trackRelease: TrackReleaseUseCase) {}

  @HandlesEvent(StageReleased)
  async handle(
    @Payload() event: EventOf<typeof StageReleased>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.trackRelease.execute(ctx, event, { kind: 'released', stage: event.payload.stage });
  }
}
