import {
  ServiceRetryRequested,
  ServiceRetryStarted,
  ServiceStatusChanged,
} from '@enclave/contracts';
import { envelopeOf, fakeEventContext } from '@enclave/testing';
import { randomUUID } from 'node:crypto';
import { lockServiceStatus } from './lock-service-status';
import { ReopenFailedServiceUseCase } from './reopen-failed-service.use-case';
import { ServiceStatusEntity } from './service-status.entity';

jest.mock('./lock-service-status', () => ({ lockServiceStatus: jest.fn() }));

const registration = {
  tenantId: 'acme',
  registrationId: randomUUID(),
  product: 'tracer',
  isolationMode: 'DATABASE' as const,
};

function setup(state: ServiceStatusEntity['state'], retries = 0) {
  const at = new Date().toISOString();
  const row = Object.assign(new ServiceStatusEntity(), {
    ...registration,
    state,
    retries,
    revision: 4,
    registeredAt: new Date(at),
    required: ['credentials', 'postgres', 'migrations'],
    stages: {
      credentials: { status: 'done', completedAt: at, reason: null },
      postgres: { status: 'failed', completedAt: at, reason: 'database exists, owned by postgres' },
    },
  });
  jest.mocked(lockServiceStatus).mockResolvedValue(row);
  const save = jest.fn(async () => row);
  const ctx = fakeEventContext({ tx: { getRepository: () => ({ save }) } });
  return { row, save, ctx, published: ctx.published, useCase: new ReopenFailedServiceUseCase() };
}

const request = (retry: number) =>
  envelopeOf(ServiceRetryRequested, {
    ...registration,
    retry,
    resources: ['postgres'],
    productVersion: '1.0.0',
  });

describe('ReopenFailedServiceUseCase', () => {
  beforeEach(() => jest.mocked(lockServiceStatus).mockReset());

  it('reopens a failed registration: failed stages pending again, done ones kept, then the stages restart', async () => {
    const { ctx, row, save, published, useCase } = setup('failed');
    expect(await useCase.execute(ctx, request(1))).toBe('reopened');

    expect(row.state).toBe('provisioning');
    expect(row.retries).toBe(1);
    expect(row.revision).toBe(5);
    expect(Object.keys(row.stages)).toEqual(['credentials']);
    expect(save).toHaveBeenCalledTimes(1);
    expect(published.map((p) => p.type)).toEqual([
      ServiceRetryStarted.type,
      ServiceStatusChanged.type,
    ]);
    expect(ServiceRetryStarted.schema.parse(published[0].payload)).toEqual({
      ...registration,
      retry: 1,
      resources: ['postgres'],
      productVersion: '1.0.0',
    });
    const changed = ServiceStatusChanged.schema.parse(published[1].payload);
    expect(changed.state).toBe('provisioning');
    expect(changed.revision).toBe(5);
    expect(changed.conditions.map((c) => [c.stage, c.status])).toEqual([
      ['credentials', 'done'],
      ['postgres', 'pending'],
      ['migrations', 'pending'],
    ]);
  });

  it.each(['provisioning', 'ready'] as const)(
    'leaves a %s registration alone (a stale or repeated request)',
    async (state) => {
      const { ctx, row, save, published, useCase } = setup(state);
      expect(await useCase.execute(ctx, request(1))).toBe('ignored');
      expect(row.state).toBe(state);
      expect(row.retries).toBe(0);
      expect(save).not.toHaveBeenCalled();
      expect(published).toEqual([]);
    },
  );

  it('takes each retry once: a replayed older request does not reopen a registration that failed again', async () => {
    const { ctx, row, save, published, useCase } = setup('failed', 2);
    expect(await useCase.execute(ctx, request(2))).toBe('ignored');
    expect(await useCase.execute(ctx, request(1))).toBe('ignored');
    expect(row.state).toBe('failed');
    expect(save).not.toHaveBeenCalled();
    expect(published).toEqual([]);

    expect(await useCase.execute(ctx, request(3))).toBe('reopened');
    expect(row.retries).toBe(3);
  });
});
