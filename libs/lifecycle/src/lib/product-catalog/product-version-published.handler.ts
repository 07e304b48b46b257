import { EventOf, ProductVersionPublished } from '@enclave/contracts';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { ProductVersionStore } from './product-version.store';

/** Keeps every published product version in the stage's own catalog. */
@Controller()
export class ProductVersionPublishedHandler {
  constructor(@Inject(ProductVersionStore) private readonly store: ProductVersionStore) {}

  @HandlesEvent(ProductVersionPublished)
  async handle(
    @Payload() event: EventOf<typeof ProductVersionPublished>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.store.record(ctx.tx, event.payload);
  }
}
