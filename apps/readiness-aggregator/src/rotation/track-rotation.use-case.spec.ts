import {
  CredentialsRotated,
  CredentialsRotationFailed,
  ServiceDeprovisioned,
} from '@enclave/contracts';
import { envelopeOf, fakeEventContext } from '@enclave/testing';
import { randomUUID } from 'node:crypto';
import { lockServiceStatus } from '../status/lock-service-status';
import { ServiceStatusEntity } from '../status/service-status.entity';
import { TrackRotationUseCase } from './track-rotation.use-case';

jest.mock('../status/lock-service-status', () => ({ lockServiceStatus: jest.fn() }));

const registration = {
  tenantId: 'acme',
  registrationId: randomUUID(),
  product: 'ledger',
  isolationMode: 'SCHEMA' as const,
};

function setup(state: ServiceStatusEntity['state'] = 'ready') {
  const row = Object.assign(new ServiceStatusEntity(), {
    ...registration,
    state,
    required: ['credentials', 'postgres', 'migrations'],
    stages: {},
    rotation: null,
    unclaimedReports: [],
  });
  jest.mocked(lockServiceStatus).mockResolvedValue(row);
  const save = jest.fn(async () => row);
  const ctx = fakeEventContext({ tx: { getRepository: () => ({ save }) } });
  return { row, save, ctx, published: ctx.published, useCase: new TrackRotationUseCase() };
}

// The use case reads only the envelope and the registration it names: any registration event will do.
const envelope = (causationId: string | null = null) =>
  envelopeOf(ServiceDeprovisioned, registration, { causationId });

describe('TrackRotationUseCase', () => {
  const credentials = { postgres: { path: 'tenants/acme/ledger/postgres', version: 2 } };
  const rotationId = randomUUID();

  beforeEach(() => jest.mocked(lockServiceStatus).mockReset());

  it('publishes CredentialsRotated once, when the last awaited stage re-applied', async () => {
    const { ctx, save, published, useCase } = setup();
    const issuedEvent = envelope();
    await useCase.execute(ctx, issuedEvent, { kind: 'issued', rotationId, credentials });
    expect(save).toHaveBeenCalledTimes(1);
    expect(published).toEqual([]);

    const applied = { kind: 'applied', stage: 'postgres', rotationId } as const;
    await useCase.execute(ctx, envelope(issuedEvent.id), applied);
    await useCase.execute(ctx, envelope(issuedEvent.id), applied);

    expect(published).toEqual([
      { type: CredentialsRotated.type, payload: { ...registration, rotationId, credentials } },
    ]);
    expect(CredentialsRotated.schema.safeParse(published[0].payload).success).toBe(true);
    expect(save).toHaveBeenCalledTimes(2); // the duplicate changed nothing
  });

  it('does not track a rotation of a failed registration', async () => {
    const { ctx, row, save, published, useCase } = setup('failed');
    await useCase.execute(ctx, envelope(), { kind: 'issued', rotationId, credentials });
    expect(row.rotation).toBeNull();
    expect(save).not.toHaveBeenCalled();
    expect(published).toEqual([]);
  });

  it('ignores stage reports that name no rotation (a first provisioning or a retry)', async () => {
    const { ctx, save, useCase } = setup();
    await useCase.execute(ctx, envelope(randomUUID()), {
      kind: 'applied',
      stage: 'postgres',
      rotationId: null,
    });
    expect(lockServiceStatus).not.toHaveBeenCalled();
    expect(save).not.toHaveBeenCalled();
  });

  it('publishes CredentialsRotationFailed once, with the cause, when a stage fails to apply it', async () => {
    const { ctx, row, published, useCase } = setup();
    const issuedEvent = envelope();
    await useCase.execute(ctx, issuedEvent, { kind: 'issued', rotationId, credentials });
    const failure = envelope(issuedEvent.id);
    const failed = {
      kind: 'failed',
      stage: 'postgres',
      reason: 'role is owned elsewhere',
      rotationId,
    } as const;
    await useCase.execute(ctx, failure, failed);
    await useCase.execute(ctx, { ...failure, id: randomUUID() }, failed);
    expect(row.rotation).toMatchObject({ state: 'failed', reason: expect.stringMatching(/owned/) });
    expect(published).toEqual([
      {
        type: CredentialsRotationFailed.type,
        payload: { ...registration, rotationId, reason: 'postgres: role is owned elsewhere' },
      },
    ]);
    expect(CredentialsRotationFailed.schema.parse(published[0].payload)).toEqual(
      published[0].payload,
    );
  });

  it('writes nothing for the first provisioning reports of a registration still provisioning', async () => {
    const { ctx, row, save, published, useCase } = setup('provisioning');
    await useCase.execute(ctx, envelope(randomUUID()), {
      kind: 'applied',
      stage: 'postgres',
      rotationId: null,
    });
    expect(row.unclaimedReports).toEqual([]);
    expect(save).not.toHaveBeenCalled();
    expect(published).toEqual([]);
  });

  it('keeps a rotation report while the registration looks provisioning (catching up out of order)', async () => {
    const { ctx, row, save, useCase } = setup('provisioning');
    await useCase.execute(ctx, envelope(randomUUID()), {
      kind: 'applied',
      stage: 'postgres',
      rotationId,
    });
    expect(row.unclaimedReports).toMatchObject([{ rotationId, stage: 'postgres', status: 'done' }]);
    expect(save).toHaveBeenCalledTimes(1);
  });

  it('folds into the row the caller already locked, without locking it again', async () => {
    const { ctx, row, save, useCase } = setup();
    const applied = { kind: 'applied', stage: 'mongodb', rotationId: randomUUID() } as const;
    await useCase.execute(ctx, envelope(randomUUID()), applied, row);
    expect(lockServiceStatus).not.toHaveBeenCalled();
    // A report ahead of its rotation's CredentialsIssued is kept for it.
    expect(row.unclaimedReports).toHaveLength(1);
    expect(save).toHaveBeenCalledTimes(1);
  });
});
