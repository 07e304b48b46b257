import { ServiceDeprovisioned, Stage } from '@enclave/contracts';
import { envelopeOf, fakeEventContext } from '@enclave/testing';
import { randomUUID } from 'node:crypto';
import { lockServiceStatus } from './lock-service-status';
import { RecordStageOutcomeUseCase } from './record-stage-outcome.use-case';
import { ServiceStatusEntity } from './service-status.entity';
import { TrackReleaseUseCase } from './track-release.use-case';

jest.mock('./lock-service-status', () => ({ lockServiceStatus: jest.fn() }));

const registration = {
  tenantId: 'acme',
  registrationId: randomUUID(),
  product: 'ledger',
  isolationMode: 'SCHEMA' as const,
};

function setup(required: Stage[] | null = ['credentials', 'postgres', 'migrations']) {
  const row = Object.assign(new ServiceStatusEntity(), {
    ...registration,
    state: 'ready',
    required,
    stages: {},
    released: {},
    deprovisionRequestedAt: null,
    revision: 3,
  });
  jest.mocked(lockServiceStatus).mockResolvedValue(row);
  const save = jest.fn(async () => row);
  const ctx = fakeEventContext({ tx: { getRepository: () => ({ save }) } });
  return { row, save, ctx, published: ctx.published, useCase: new TrackReleaseUseCase() };
}

// The use cases read only the envelope and the registration it names: any registration event will do.
const envelope = () => envelopeOf(ServiceDeprovisioned, registration);

const requested = { kind: 'requested', resources: ['postgres'] } as const;
const released = (stage: Stage) => ({ kind: 'released', stage }) as const;

describe('TrackReleaseUseCase', () => {
  beforeEach(() => jest.mocked(lockServiceStatus).mockReset());

  it('deletes the registration once every stage it needed released it, and says so once', async () => {
    const { ctx, row, published, useCase } = setup();
    await useCase.execute(ctx, envelope(), requested);
    expect(row.state).toBe('deprovisioning');
    await useCase.execute(ctx, envelope(), released('postgres'));
    await useCase.execute(ctx, envelope(), released('credentials'));
    expect(published).toEqual([]);

    await useCase.execute(ctx, envelope(), released('migrations'));
    await useCase.execute(ctx, envelope(), released('migrations'));
    await useCase.execute(ctx, envelope(), requested);
    expect(row.state).toBe('deleted');
    expect(published).toEqual([{ type: ServiceDeprovisioned.type, payload: registration }]);
  });

  it('counts releases that arrive before the request they answer (topics are read independently)', async () => {
    const { ctx, row, published, useCase } = setup();
    for (const stage of ['migrations', 'postgres', 'credentials'] as const)
      await useCase.execute(ctx, envelope(), released(stage));
    expect(row.state).toBe('ready');
    expect(published).toEqual([]);

    await useCase.execute(ctx, envelope(), requested);
    expect(row.state).toBe('deleted');
    expect(published).toHaveLength(1);
  });

  it('knows what to wait for from the request when ServiceRegistered was never seen', async () => {
    const { ctx, row, useCase } = setup(null);
    await useCase.execute(ctx, envelope(), {
      kind: 'requested',
      resources: ['postgres', 'rabbitmq'],
    });
    expect(row.required).toEqual(['credentials', 'postgres', 'migrations', 'rabbitmq']);
    expect(row.state).toBe('deprovisioning');
  });

  it('lets no late provisioning report change an offboarded registration', async () => {
    const { ctx, row, save, published, useCase } = setup();
    await useCase.execute(ctx, envelope(), requested);
    save.mockClear();
    await new RecordStageOutcomeUseCase().execute(ctx, envelope(), {
      kind: 'failed',
      stage: 'postgres',
      reason: 'late',
    });
    expect(row.state).toBe('deprovisioning');
    expect(row.stages).toEqual({});
    expect(save).not.toHaveBeenCalled();
    expect(published).toEqual([]);
  });
});
