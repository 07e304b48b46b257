import {
  TenantStatus,
  TenantStatusChangedPayload,
  tenantStatusOrderPath,
} from '@enclave/contracts';
import { EventContext, RefusedEventError } from '@enclave/messaging';
import { InMemorySecretStore } from '@enclave/secret-store';
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
  const vault = new InMemorySecretStore();
  const useCase = new ChangeTenantAccessUseCase(store, enforcer, vault);
  /** What the registry does: orders the change in the vault, then publishes it. */
  const order = (status: TenantStatus, revision: number) =>
    vault.put(tenantStatusOrderPath('acme'), { status, revision: String(revision) });
  /** A TenantStatusChanged delivered to the stage; a newer one than ordered is ordered first. */
  const change = async (status: TenantStatus, revision: number) => {
    const ordered = await vault.find(tenantStatusOrderPath('acme'));
    if (Number(ordered?.data.revision ?? 0) < revision) await order(status, revision);
    await deliver(status, revision);
  };
  const deliver = (status: TenantStatus, revision: number) =>
    useCase.execute({ tx: {} } as EventContext, {
      tenantId: 'acme',
      status,
      revision,
      reason: null,
    });
  return { change, deliver, order, enforced, kept };
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

  it('refuses (dead letter) a change the registry did not order, enforcing and keeping nothing', async () => {
    const { deliver, order, enforced, kept } = setUp();
    // No order at all, then a newer revision than ordered, then the ordered revision with the
    // other status: a forged suspension and a forged lifting of one.
    await expect(deliver('suspended', 1)).rejects.toBeInstanceOf(RefusedEventError);
    await order('suspended', 1);
    await expect(deliver('active', 2)).rejects.toThrow(/last order is suspended \(revision 1\)/);
    await expect(deliver('active', 1)).rejects.toMatchObject({ retryable: false });
    expect(enforced).toEqual([]);
    expect(kept.size).toBe(0);
  });

  it('skips a change the registry has since overtaken: the newer one follows', async () => {
    const { deliver, order, enforced } = setUp();
    await order('suspended', 1);
    await order('active', 2);
    await deliver('suspended', 1);
    expect(enforced).toEqual([]);
    await deliver('active', 2);
    expect(enforced).toEqual([
      ['ledger', 'active'],
      ['tracer', 'active'],
    ]);
  });
});
