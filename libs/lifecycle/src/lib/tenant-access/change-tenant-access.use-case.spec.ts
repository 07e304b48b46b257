import { TenantStatus, TenantStatusChangedPayload } from '@enclave/contracts';
import { EventContext } from '@enclave/messaging';
import { ChangeTenantAccessUseCase } from './change-tenant-access.use-case';
import { TenantAccessEnforcer } from './tenant-access.enforcer';
import { TenantAccessStore } from './tenant-access.store';
import { TenantLogin } from './tenant-login';

const ledger: TenantLogin = { tenantId: 'acme', product: 'ledger', mode: 'SCHEMA' };
const tracer: TenantLogin = { tenantId: 'acme', product: 'tracer', mode: 'DATABASE' };

/** A store keeping the highest revision per tenant, as the real one does in SQL. */
function setUp(logins: TenantLogin[] = [ledger, tracer]) {
  const kept = new Map<string, number>();
  const store = {
    record: async (_tx: unknown, change: TenantStatusChangedPayload) => {
      if ((kept.get(change.tenantId) ?? 0) >= change.revision) return false;
      kept.set(change.tenantId, change.revision);
      return true;
    },
    loginsOf: async () => logins,
  } as unknown as TenantAccessStore;
  const enforced: Array<[string, TenantStatus]> = [];
  const enforcer: TenantAccessEnforcer = {
    enforce: async (login: TenantLogin, status: TenantStatus) =>
      void enforced.push([login.product, status]),
    endSessionsOpenedBefore: async () => undefined,
  };
  const useCase = new ChangeTenantAccessUseCase(store, enforcer);
  const change = (status: TenantStatus, revision: number) =>
    useCase.execute({ tx: {} } as EventContext, {
      tenantId: 'acme',
      status,
      revision,
      reason: null,
    });
  return { change, enforced, kept };
}

describe('ChangeTenantAccessUseCase', () => {
  it('enforces a newer status on every login the stage made for the tenant', async () => {
    const { change, enforced } = setUp();
    await change('suspended', 1);
    await change('active', 2);
    expect(enforced).toEqual([
      ['ledger', 'suspended'],
      ['tracer', 'suspended'],
      ['ledger', 'active'],
      ['tracer', 'active'],
    ]);
  });

  it('does nothing for a repeated or an older change, so a late suspension cannot undo a resumption', async () => {
    const { change, enforced } = setUp();
    await change('active', 2);
    enforced.length = 0;
    await change('suspended', 1);
    await change('active', 2);
    expect(enforced).toEqual([]);
  });

  it('keeps the status even when no login was made yet (provisioning reads it later)', async () => {
    const { change, enforced, kept } = setUp([]);
    await change('suspended', 1);
    expect(enforced).toEqual([]);
    expect(kept.get('acme')).toBe(1);
  });
});
