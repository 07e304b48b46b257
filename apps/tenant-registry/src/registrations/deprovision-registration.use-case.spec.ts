import { ServiceDeprovisionRequested, StageCondition } from '@enclave/contracts';
import { OutboxWriter } from '@enclave/messaging';
import { ConflictException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DeprovisionRegistrationUseCase } from './deprovision-registration.use-case';
import { RegistrationState } from './registration-state';
import { ServiceRegistrationEntity } from './service-registration.entity';

const condition = (stage: StageCondition['stage'], status: StageCondition['status']) => ({
  stage,
  status,
  reason: null,
  completedAt: null,
  durationMs: null,
});

function setup(state: RegistrationState, conditions: StageCondition[]) {
  const registration = Object.assign(new ServiceRegistrationEntity(), {
    id: randomUUID(),
    tenantId: 'acme',
    product: 'ledger',
    isolationMode: 'SCHEMA',
    resources: ['postgres', 'mongodb', 'rabbitmq'],
    state,
    conditions,
  });
  const tx = { findOne: async () => registration, save: jest.fn(async () => registration) };
  const dataSource = {
    transaction: (work: (t: typeof tx) => Promise<unknown>) => work(tx),
  } as unknown as DataSource;
  const append = jest.fn(async () => undefined);
  const useCase = new DeprovisionRegistrationUseCase(dataSource, {
    append,
  } as unknown as OutboxWriter);
  return { registration, append, save: tx.save, useCase };
}

describe('DeprovisionRegistrationUseCase', () => {
  const all = (status: StageCondition['status']) =>
    (['credentials', 'postgres', 'migrations', 'mongodb', 'rabbitmq'] as const).map((s) =>
      condition(s, status),
    );

  it('puts a ready registration in deprovisioning and asks every stage, in one transaction', async () => {
    const { registration, append, save, useCase } = setup('ready', all('done'));
    const result = await useCase.execute('acme', 'ledger', 'corr');
    expect(result.state).toBe('deprovisioning');
    expect(save).toHaveBeenCalledWith(registration);
    expect(append).toHaveBeenCalledWith(
      expect.anything(),
      ServiceDeprovisionRequested,
      {
        tenantId: 'acme',
        registrationId: registration.id,
        product: 'ledger',
        isolationMode: 'SCHEMA',
        resources: ['postgres', 'mongodb', 'rabbitmq'],
      },
      { tenantId: 'acme', correlationId: 'corr' },
    );
  });

  it('refuses while a stage that makes resources may still be at work', async () => {
    const provisioning = setup('provisioning', all('pending'));
    await expect(provisioning.useCase.execute('acme', 'ledger')).rejects.toThrow(ConflictException);
    const failed = setup('failed', [
      condition('credentials', 'done'),
      condition('postgres', 'failed'),
      condition('migrations', 'pending'),
      condition('mongodb', 'done'),
      condition('rabbitmq', 'pending'),
    ]);
    await expect(failed.useCase.execute('acme', 'ledger')).rejects.toThrow(/rabbitmq has not/);
    expect(failed.append).not.toHaveBeenCalled();
  });

  it('accepts a failed registration whose pending stages can never run (credentials failed)', async () => {
    const { append, useCase } = setup('failed', [
      condition('credentials', 'failed'),
      ...all('pending').slice(1),
    ]);
    expect((await useCase.execute('acme', 'ledger')).state).toBe('deprovisioning');
    expect(append).toHaveBeenCalledTimes(1);
  });

  it('refuses while a credential rotation is under way: it could write a secret after the teardown', async () => {
    const { registration, append, useCase } = setup('ready', all('done'));
    registration.rotation = {
      rotationId: 'r-1',
      state: 'requested',
      requestedAt: new Date().toISOString(),
      completedAt: null,
      reason: null,
    };
    await expect(useCase.execute('acme', 'ledger')).rejects.toThrow(/rotation under way \(r-1\)/);
    expect(append).not.toHaveBeenCalled();
    registration.rotation = { ...registration.rotation, state: 'done' };
    expect((await useCase.execute('acme', 'ledger')).state).toBe('deprovisioning');
  });

  it('refuses while a rollout is upgrading it, and accepts once the upgrade failed', async () => {
    const { registration, append, useCase } = setup('ready', all('done'));
    registration.upgrade = {
      rolloutId: 'ro-1',
      toVersion: '1.1.0',
      state: 'upgrading',
      reason: null,
    };
    await expect(useCase.execute('acme', 'ledger')).rejects.toThrow(
      /upgraded to 1\.1\.0 by rollout ro-1/,
    );
    expect(append).not.toHaveBeenCalled();
    registration.upgrade = { ...registration.upgrade, state: 'failed', reason: 'migrations: boom' };
    expect((await useCase.execute('acme', 'ledger')).state).toBe('deprovisioning');
  });

  it.each(['deprovisioning', 'deleted'] as const)(
    'answers a repeat on a %s registration without asking again',
    async (state) => {
      const { append, save, useCase } = setup(state, all('done'));
      expect((await useCase.execute('acme', 'ledger')).state).toBe(state);
      expect(append).not.toHaveBeenCalled();
      expect(save).not.toHaveBeenCalled();
    },
  );
});
