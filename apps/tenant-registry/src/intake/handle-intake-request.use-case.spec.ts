import { IntakeRequest, intakeReplyEvent } from '@enclave/contracts';
import { OutboxWriter } from '@enclave/messaging';
import { TraceContext } from '@enclave/service-kit';
import { ConflictException, ServiceUnavailableException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RegisterServiceUseCase } from '../registrations/register-service.use-case';
import { ChangeTenantStatusUseCase } from '../tenants/change-tenant-status.use-case';
import { CreateTenantUseCase } from '../tenants/create-tenant.use-case';
import { OffboardTenantUseCase } from '../tenants/offboard-tenant.use-case';
import { HandleIntakeRequestUseCase, fingerprintOf } from './handle-intake-request.use-case';
import { intakePublishersSchema } from './intake-publishers';
import { IntakeRequestStore, StoredIntakeRequest } from './intake-request.store';

const requestId = '5b3c1f0e-8d2a-4c1b-9f3e-2a7d6c4b1e90';
const createAcme: IntakeRequest = {
  kind: 'create-tenant',
  requestId,
  publisher: 'signup',
  tenant: { id: 'acme-corp', displayName: 'Acme', metadata: {} },
};
const registerLedger: IntakeRequest = {
  kind: 'register-service',
  requestId: '6b3c1f0e-8d2a-4c1b-9f3e-2a7d6c4b1e91',
  publisher: 'signup',
  tenantId: 'acme-corp',
  registration: { product: 'ledger' },
};

function setup() {
  const stored = new Map<string, StoredIntakeRequest>();
  const rejections: unknown[] = [];
  const tenantProducts: string[] = [];
  const store = {
    find: jest.fn(async (p: string, id: string) => stored.get(`${p}/${id}`) ?? null),
    record: jest.fn(async (_tx: unknown, row: StoredIntakeRequest) => {
      if (stored.has(`${row.publisher}/${row.requestId}`)) return false;
      stored.set(`${row.publisher}/${row.requestId}`, row);
      return true;
    }),
    products: jest.fn(async () => tenantProducts),
    recordRejection: jest.fn(async (_tx: unknown, entry: unknown) => {
      rejections.push(entry);
    }),
  };
  const replies: { topic: string; payload: unknown; meta: unknown }[] = [];
  const outbox = {
    append: jest.fn(
      async (_tx: unknown, def: { topic: string }, payload: unknown, meta: unknown) => {
        replies.push({ topic: def.topic, payload, meta });
      },
    ),
  };
  const dataSource = { transaction: (work: (tx: object) => unknown) => work({}) };
  const actors: unknown[] = [];
  const seeActor = async () => {
    actors.push(TraceContext.current().actor);
    return { created: true };
  };
  const createTenant = { execute: jest.fn(seeActor) };
  const registerService = { execute: jest.fn(seeActor) };
  const changeStatus = { execute: jest.fn(seeActor) };
  const offboardTenant = { execute: jest.fn(seeActor) };
  const useCase = new HandleIntakeRequestUseCase(
    dataSource as unknown as DataSource,
    outbox as unknown as OutboxWriter,
    store as unknown as IntakeRequestStore,
    intakePublishersSchema.parse('signup=ledger+tracer'),
    createTenant as unknown as CreateTenantUseCase,
    registerService as unknown as RegisterServiceUseCase,
    changeStatus as unknown as ChangeTenantStatusUseCase,
    offboardTenant as unknown as OffboardTenantUseCase,
  );
  return {
    useCase,
    store,
    stored,
    replies,
    rejections,
    tenantProducts,
    actors,
    createTenant,
    registerService,
    changeStatus,
    offboardTenant,
  };
}

describe('HandleIntakeRequestUseCase', () => {
  it('takes a request through the admin API use-case as its publisher, and answers accepted', async () => {
    const t = setup();
    const reply = await t.useCase.execute('signup', registerLedger);
    expect(reply).toEqual({
      requestId: registerLedger.requestId,
      status: 'accepted',
      tenantId: 'acme-corp',
      product: 'ledger',
    });
    expect(t.registerService.execute).toHaveBeenCalledWith(
      'acme-corp',
      { product: 'ledger' },
      registerLedger.requestId,
    );
    expect(t.actors).toEqual([{ kind: 'publisher', name: 'signup' }]);
    expect(t.replies).toEqual([
      {
        topic: intakeReplyEvent('signup').topic,
        payload: reply,
        meta: expect.objectContaining({
          tenantId: 'acme-corp',
          correlationId: registerLedger.requestId,
          actor: { kind: 'publisher', name: 'signup' },
        }),
      },
    ]);
    expect(t.stored.get(`signup/${registerLedger.requestId}`)).toMatchObject({
      status: 'accepted',
      fingerprint: fingerprintOf(registerLedger),
    });
  });

  it('acts once per request id: the same request again is answered the same way', async () => {
    const t = setup();
    const first = await t.useCase.execute('signup', createAcme);
    const again = await t.useCase.execute('signup', createAcme);
    expect(again).toEqual(first);
    expect(t.createTenant.execute).toHaveBeenCalledTimes(1);
    expect(t.replies.map((r) => r.payload)).toEqual([first, first]);
  });

  it('rejects another request under a used request id, acting on nothing', async () => {
    const t = setup();
    await t.useCase.execute('signup', createAcme);
    const other = { ...createAcme, tenant: { ...createAcme.tenant, displayName: 'Other' } };
    const reply = await t.useCase.execute('signup', other);
    expect(reply).toMatchObject({
      status: 'rejected',
      reason: `request id ${requestId} was already used for another request`,
    });
    expect(t.createTenant.execute).toHaveBeenCalledTimes(1);
  });

  it("answers the admin API's 4xx as a rejection with its reason, recorded in the history", async () => {
    const t = setup();
    t.createTenant.execute.mockRejectedValueOnce(
      new ConflictException('tenant acme-corp already exists with other attributes'),
    );
    const reply = await t.useCase.execute('signup', createAcme);
    expect(reply).toEqual({
      requestId,
      status: 'rejected',
      reason: 'tenant acme-corp already exists with other attributes',
      tenantId: 'acme-corp',
    });
    expect(t.rejections).toEqual([
      {
        publisher: 'signup',
        requestId,
        tenantId: 'acme-corp',
        product: null,
        reason: 'tenant acme-corp already exists with other attributes',
      },
    ]);
    expect(t.stored.get(`signup/${requestId}`)?.status).toBe('rejected');
  });

  it('leaves a failure that is not the request’s fault to the consumer’s retry, answering nothing', async () => {
    const t = setup();
    t.createTenant.execute.mockRejectedValueOnce(new ServiceUnavailableException('vault away'));
    await expect(t.useCase.execute('signup', createAcme)).rejects.toThrow('vault away');
    t.createTenant.execute.mockRejectedValueOnce(new Error('connection refused'));
    await expect(t.useCase.execute('signup', createAcme)).rejects.toThrow('connection refused');
    expect(t.replies).toEqual([]);
    expect(t.stored.size).toBe(0);
  });

  it.each([
    ['suspend-tenant', { suspension: { reason: 'unpaid' } }, 'changeStatus'],
    ['resume-tenant', {}, 'changeStatus'],
    ['offboard-tenant', { offboarding: {} }, 'offboardTenant'],
  ] as const)(
    'refuses %s for a tenant using a product the publisher may not act for',
    async (kind, body, useCaseName) => {
      const t = setup();
      t.tenantProducts.push('ledger', 'crm');
      const request = {
        kind,
        requestId,
        publisher: 'signup',
        tenantId: 'acme-corp',
        ...body,
      } as IntakeRequest;
      const reply = await t.useCase.execute('signup', request);
      expect(reply).toMatchObject({
        status: 'rejected',
        reason:
          'foreign product: publisher signup may not act for crm, which tenant acme-corp uses',
      });
      expect(t[useCaseName].execute).not.toHaveBeenCalled();
      t.tenantProducts.splice(0, 2, 'ledger');
      const ok = await t.useCase.execute('signup', {
        ...request,
        requestId: registerLedger.requestId,
      });
      expect(ok.status).toBe('accepted');
      expect(t[useCaseName].execute).toHaveBeenCalledTimes(1);
    },
  );

  it('answers an unreadable request only when its request id could be read', async () => {
    const t = setup();
    expect(await t.useCase.reject('signup', { reason: 'malformed JSON: x' })).toBeNull();
    expect(t.replies).toEqual([]);
    const reply = await t.useCase.reject('signup', {
      reason: 'foreign product: publisher signup may not act for crm',
      requestId,
      tenantId: 'acme-corp',
      product: 'crm',
    });
    expect(reply).toEqual({
      requestId,
      status: 'rejected',
      reason: 'foreign product: publisher signup may not act for crm',
      tenantId: 'acme-corp',
      product: 'crm',
    });
    expect(t.replies.map((r) => r.payload)).toEqual([reply]);
    expect(t.rejections).toHaveLength(1);
  });
});
