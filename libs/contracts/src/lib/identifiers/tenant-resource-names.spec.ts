import { tenantIdSchema } from './tenant-id.schema';
import { productNameSchema } from './product-name.schema';
import { tenantResourceNames } from './tenant-resource-names';

describe('tenantResourceNames', () => {
  it('derives distinct names per isolation mode', () => {
    const db = tenantResourceNames('acme-corp', 'ledger', 'DATABASE');
    const schema = tenantResourceNames('acme-corp', 'ledger', 'SCHEMA');
    expect(db).toMatchObject({ pgRole: 't_acme_corp_ledger_d', pgDatabase: 't_acme_corp_ledger', pgSchema: 'public' });
    expect(schema).toMatchObject({ pgRole: 't_acme_corp_ledger_s', pgDatabase: 'p_ledger', pgSchema: 't_acme_corp' });
    expect(db.secretPath('postgres')).toBe('tenants/acme-corp/ledger/postgres');
  });

  it('stays within 63 bytes for the longest valid identifiers', () => {
    const tenant = tenantIdSchema.parse(`a${'b'.repeat(30)}c`);
    const product = productNameSchema.parse(`p${'q'.repeat(18)}r`);
    for (const mode of ['DATABASE', 'SCHEMA'] as const) {
      const names = tenantResourceNames(tenant, product, mode);
      for (const name of [names.pgRole, names.pgDatabase, names.pgSchema]) {
        expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
        expect(name).toMatch(/^[a-z_][a-z0-9_]*$/);
      }
    }
  });

  it('rejects identifiers that could escape quoting or collide', () => {
    for (const bad of ['Acme', 'a"; drop role x; --', 'ab', '-abc', 'abc-', 'a'.repeat(33), 'ümlaut']) {
      expect(tenantIdSchema.safeParse(bad).success).toBe(false);
    }
  });
});
