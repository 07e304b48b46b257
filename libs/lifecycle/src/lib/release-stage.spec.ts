import { ServiceDeprovisionRequestedPayload, StageReleased } from '@enclave/contracts';
import { EventContext } from '@enclave/messaging';
import { randomUUID } from 'node:crypto';
import { releaseStage } from './release-stage';

function setup(resources: ServiceDeprovisionRequestedPayload['resources']) {
  const publish = jest.fn(async (..._args: unknown[]) => undefined);
  const request: ServiceDeprovisionRequestedPayload = {
    tenantId: 'acme',
    registrationId: randomUUID(),
    product: 'ledger',
    isolationMode: 'SCHEMA',
    resources,
  };
  return { ctx: { publish } as unknown as EventContext, publish, request };
}

describe('releaseStage', () => {
  it('runs the work, then says the stage released the registration', async () => {
    const { ctx, publish, request } = setup(['postgres', 'mongodb']);
    const work = jest.fn(async () => undefined);
    await releaseStage(ctx, 'migrations', request, work);
    expect(work).toHaveBeenCalledTimes(1);
    expect(publish).toHaveBeenCalledWith(StageReleased, {
      tenantId: 'acme',
      registrationId: request.registrationId,
      product: 'ledger',
      isolationMode: 'SCHEMA',
      stage: 'migrations',
    });
  });

  it('does nothing for a stage the registration never required', async () => {
    const { ctx, publish, request } = setup(['mongodb']);
    const work = jest.fn(async () => undefined);
    await releaseStage(ctx, 'postgres', request, work);
    await releaseStage(ctx, 'migrations', request, work);
    await releaseStage(ctx, 'rabbitmq', request, work);
    expect(work).not.toHaveBeenCalled();
    expect(publish).not.toHaveBeenCalled();
  });

  it('says nothing when the work fails: the consumer retries it', async () => {
    const { ctx, publish, request } = setup(['rabbitmq']);
    const failure = new Error('vhost owned by someone else');
    await expect(
      releaseStage(ctx, 'rabbitmq', request, () => Promise.reject(failure)),
    ).rejects.toBe(failure);
    expect(publish).not.toHaveBeenCalled();
  });
});
