import { feedProductsOf } from './product-feed.rule';

describe('feedProductsOf', () => {
  const registered = (products: string[]) => {
    const asked: string[] = [];
    const lookup = async (tenantId: string) => {
      asked.push(tenantId);
      return products;
    };
    return { asked, lookup };
  };

  it('sends an event about one registration to its product only', async () => {
    const r = registered(['ledger', 'tracer']);
    for (const type of [
      'ServiceReady',
      'ServiceFailed',
      'CredentialsRotated',
      'ServiceDeprovisionRequested',
      'ServiceDeprovisioned',
    ]) {
      expect(
        await feedProductsOf(
          { type, tenantId: 'acme', payload: { tenantId: 'acme', product: 'ledger' } },
          r.lookup,
        ),
      ).toEqual(['ledger']);
    }
    expect(r.asked).toEqual([]);
  });

  it('sends a tenant-wide event to every product the tenant has registered, and to no other', async () => {
    const r = registered(['tracer', 'ledger', 'ledger']);
    expect(
      await feedProductsOf(
        { type: 'TenantStatusChanged', tenantId: 'acme', payload: { tenantId: 'acme' } },
        r.lookup,
      ),
    ).toEqual(['ledger', 'tracer']);
    expect(r.asked).toEqual(['acme']);
    const none = registered([]);
    expect(
      await feedProductsOf(
        { type: 'TenantStatusChanged', tenantId: 'solo', payload: { tenantId: 'solo' } },
        none.lookup,
      ),
    ).toEqual([]);
  });

  it('sends events not meant for products nowhere, even when they name a product', async () => {
    const r = registered(['ledger']);
    for (const type of ['ServiceRegistered', 'CredentialsIssued', 'PostgresProvisioned']) {
      expect(
        await feedProductsOf(
          { type, tenantId: 'acme', payload: { tenantId: 'acme', product: 'ledger' } },
          r.lookup,
        ),
      ).toEqual([]);
    }
    expect(r.asked).toEqual([]);
  });
});
