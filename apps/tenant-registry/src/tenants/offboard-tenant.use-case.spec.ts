import { ServiceDeprovisionRequested, StageCondition, TenantOffboarded } from '@enclave/contracts';
import { OutboxWriter } from '@enclave/messaging';
import { ConflictException, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DeprovisionRegistrationUseCase } from '../registrations/deprovision-registration.use-case';
import { RegistrationState } from '../registrations/registration-state';
import { ServiceRegistrationEntity } from '../registrations/service-registration.entity';
import { OffboardTenantUseCase } from './offboard-tenant.use-case';
import { TenantOffboardingCompletion } from './tenant-offboarding-completion';
import { TenantRecordStatus } from './tenant-record-status';
import { TenantEntity } from './tenant.entity';

const conditions = (status: StageCondition['status']): StageCondition[] =>
  (['credentials', 'postgres', 'migrations', 'mongodb', 'rabbitmq'] as const).map((stage) => ({
    stage,
    status,
    reason: null,
    completedAt: null,
    durationMs: null,
  }));

/** An in-memory tenant and registrations behind a transaction that runs the work as given. */
function setup(status: TenantRecordStatus, states: [string, RegistrationState][]) {
  const tenant: TenantEntity = Object.assign(new TenantEntity(), {
    id: 'acme',
    status,
    offboardReason: null,
    offboardRequestedAt: null,
    deletedAt: null,
  });
  const registrations: ServiceRegistrationEntity[] = states.map(([product, state]) =>
    Object.assign(new ServiceRegistrationEntity(), {
      id: randomUUID(),
      tenantId: 'acme',
      product,
      isolationMode: 'SCHEMA',
      resources: ['postgres'],
      state,
      conditions: conditions(state === 'provisioning' ? 'pending' : 'done'),
      rotation: null,
    }),
  );
  const tx = {
    findOne: async (_: unknown, options: { where: { id: string } }) =>
      options.where.id === tenant.id ? tenant : null,
    // The use-case changes the very objects it is handed, as TypeORM's entities.
    find: async () => registrations,
    countBy: async () => registrations.filter((r) => r.state !== 'deleted').length,
    save: jest.fn(async (entity: unknown) => entity),
  };
  const dataSource = {
    transaction: (work: (t: typeof tx) => Promise<unknown>) => work(tx),
  } as unknown as DataSource;
  const append = jest.fn(async (..._args: unknown[]) => undefined);
  const outbox = { append } as unknown as OutboxWriter;
  const useCase = new OffboardTenantUseCase(
    dataSource,
    new DeprovisionRegistrationUseCase(dataSource, outbox),
    new TenantOffboardingCompletion(outbox),
  );
  const published = (type: string) =>
    append.mock.calls.filter((call: unknown[]) => (call[1] as { type: string }).type === type);
  return { tenant, registrations, append, published, useCase };
}

describe('OffboardTenantUseCase', () => {
  it('offboards every registration through the per-registration path and shows the tenant offboarding', async () => {
    const { tenant, registrations, published, useCase } = setup('suspended', [
      ['ledger', 'ready'],
      ['tracer', 'failed'],
      ['billing', 'deleted'],
    ]);
    const result = await useCase.execute('acme', 'contract ended', 'corr');
    expect(result.tenant.status).toBe('offboarding');
    expect(tenant.offboardReason).toBe('contract ended');
    expect(tenant.offboardRequestedAt).toBeInstanceOf(Date);
    expect(registrations.map((r) => r.state)).toEqual([
      'deprovisioning',
      'deprovisioning',
      'deleted',
    ]);
    expect(
      published(ServiceDeprovisionRequested.type).map((c) => (c[2] as { product: string }).product),
    ).toEqual(['ledger', 'tracer']);
    expect(published(TenantOffboarded.type)).toHaveLength(0);
  });

  it('refuses, changing nothing, while any registration is still provisioning, with every reason', async () => {
    const { tenant, registrations, append, useCase } = setup('active', [
      ['ledger', 'ready'],
      ['tracer', 'provisioning'],
    ]);
    await expect(useCase.execute('acme', null)).rejects.toThrow(ConflictException);
    await expect(useCase.execute('acme', null)).rejects.toThrow(/tracer for acme is provisioning/);
    expect(tenant.status).toBe('active');
    expect(registrations.map((r) => r.state)).toEqual(['ready', 'provisioning']);
    expect(append).not.toHaveBeenCalled();
  });

  it('refuses while a registration is rotating its credentials', async () => {
    const { registrations, append, useCase } = setup('active', [['ledger', 'ready']]);
    registrations[0].rotation = {
      rotationId: 'r-9',
      state: 'requested',
      requestedAt: new Date().toISOString(),
      completedAt: null,
      reason: null,
    };
    await expect(useCase.execute('acme', null)).rejects.toThrow(/rotation under way/);
    expect(append).not.toHaveBeenCalled();
  });

  it('deletes a tenant with no registration at once, publishing TenantOffboarded once', async () => {
    const { tenant, published, useCase } = setup('active', []);
    const result = await useCase.execute('acme', null, 'corr');
    expect(result.tenant.status).toBe('deleted');
    expect(tenant.deletedAt).toBeInstanceOf(Date);
    const [[, , payload, meta]] = published(TenantOffboarded.type);
    expect(payload).toEqual({
      tenantId: 'acme',
      products: [],
      reason: null,
      requestedAt: tenant.offboardRequestedAt!.toISOString(),
    });
    expect(meta).toEqual({ tenantId: 'acme', correlationId: 'corr' });
    // A repeat changes nothing and publishes nothing.
    await useCase.execute('acme', 'again');
    expect(published(TenantOffboarded.type)).toHaveLength(1);
    expect(tenant.offboardReason).toBeNull();
  });

  it('deletes a tenant whose registrations were all offboarded before, naming them', async () => {
    const { published, useCase } = setup('active', [['billing', 'deleted']]);
    expect((await useCase.execute('acme', 'done')).tenant.status).toBe('deleted');
    const [[, , payload]] = published(TenantOffboarded.type);
    expect(payload).toMatchObject({ products: ['billing'], reason: 'done' });
  });

  it('repeats without asking any stage again, keeping the first reason', async () => {
    const { tenant, append, useCase } = setup('active', [['ledger', 'ready']]);
    await useCase.execute('acme', 'first');
    const calls = append.mock.calls.length;
    const requestedAt = tenant.offboardRequestedAt;
    const again = await useCase.execute('acme', 'second');
    expect(again.tenant.status).toBe('offboarding');
    expect(append.mock.calls.length).toBe(calls);
    expect(tenant.offboardReason).toBe('first');
    expect(tenant.offboardRequestedAt).toBe(requestedAt);
  });

  it('answers 404 for an unknown tenant', async () => {
    const { useCase } = setup('active', []);
    await expect(useCase.execute('nobody', null)).rejects.toThrow(NotFoundException);
  });
});
