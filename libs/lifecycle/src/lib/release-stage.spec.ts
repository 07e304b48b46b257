import {
  ServiceDeprovisionRequestedPayload,
  StageReleased,
  offboardingOrderOf,
  registryOrderPath,
} from '@enclave/contracts';
import { EventContext, RefusedEventError } from '@enclave/messaging';
import { InMemorySecretStore } from '@enclave/secret-store';
import { randomUUID } from 'node:crypto';
import { releaseStage } from './release-stage';

const ORDER = registryOrderPath('acme', 'ledger', 'offboarding');

async function setup(
  resources: ServiceDeprovisionRequestedPayload['resources'],
  ordered: 'ordered' | 'not ordered' = 'ordered',
) {
  const publish = jest.fn(async (..._args: unknown[]) => undefined);
  const request: ServiceDeprovisionRequestedPayload = {
    tenantId: 'acme',
    registrationId: randomUUID(),
    product: 'ledger',
    isolationMode: 'SCHEMA',
    resources,
  };
  const secrets = new InMemorySecretStore();
  if (ordered === 'ordered') await secrets.put(ORDER, { ...offboardingOrderOf(request) });
  return { ctx: { publish } as unknown as EventContext, publish, request, secrets };
}

describe('releaseStage', () => {
  it('runs the work, then says the stage released the registration', async () => {
    const { ctx, publish, request, secrets } = await setup(['postgres', 'mongodb']);
    const work = jest.fn(async () => undefined);
    await releaseStage(ctx, 'migrations', request, secrets, work);
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
    const { ctx, publish, request, secrets } = await setup(['mongodb']);
    const work = jest.fn(async () => undefined);
    await releaseStage(ctx, 'postgres', request, secrets, work);
    await releaseStage(ctx, 'migrations', request, secrets, work);
    await releaseStage(ctx, 'rabbitmq', request, secrets, work);
    expect(work).not.toHaveBeenCalled();
    expect(publish).not.toHaveBeenCalled();
  });

  it('says nothing when the work fails: the consumer retries it', async () => {
    const { ctx, publish, request, secrets } = await setup(['rabbitmq']);
    const failure = new Error('vhost owned by someone else');
    await expect(
      releaseStage(ctx, 'rabbitmq', request, secrets, () => Promise.reject(failure)),
    ).rejects.toBe(failure);
    expect(publish).not.toHaveBeenCalled();
  });

  it('refuses, removing nothing, an offboarding the registry did not order', async () => {
    const { ctx, publish, request, secrets } = await setup(['postgres'], 'not ordered');
    const work = jest.fn(async () => undefined);
    const refused = releaseStage(ctx, 'postgres', request, secrets, work);
    await expect(refused).rejects.toBeInstanceOf(RefusedEventError);
    await expect(refused).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(/has not ordered it/),
    });
    expect(work).not.toHaveBeenCalled();
    expect(publish).not.toHaveBeenCalled();
  });

  it('refuses a request that names another registration, mode or resources than the order', async () => {
    const { ctx, publish, request, secrets } = await setup(['postgres', 'rabbitmq']);
    const work = jest.fn(async () => undefined);
    for (const forged of [
      { ...request, registrationId: randomUUID() },
      { ...request, isolationMode: 'DATABASE' as const },
      { ...request, resources: ['postgres' as const] },
    ]) {
      await expect(releaseStage(ctx, 'postgres', forged, secrets, work)).rejects.toThrow(
        /is not the registry's order/,
      );
    }
    expect(work).not.toHaveBeenCalled();
    expect(publish).not.toHaveBeenCalled();
  });
});
