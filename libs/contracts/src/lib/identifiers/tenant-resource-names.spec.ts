import { tenantIdSchema } from './tenant-id.schema';
import { productNameSchema } from './product-name.schema';
import { tenantResourceNames } from './tenant-resource-names';

describe('tenantResourceNames', () => {
  it('derives distinct names per isolation mode', () => {
    const db = tenantResourceNames('acme-corp', 'ledger', 'DATABASE');
    const schema = tenantResourceNames('acme-corp', 'ledger', 'SCHEMA');
    expect(db).toMatchObject({
      pgRole: 't_acme_corp__ledger_d',
      pgDatabase: 't_acme_corp__ledger',
      pgSchema: 'public',
    });
    expect(schema).toMatchObject({
      pgRole: 't_acme_corp__ledger_s',
      pgDatabase: 'p_ledger',
      pgSchema: 't_acme_corp',
    });
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

  it('never derives the same names for two different (tenant, product) pairs', () => {
    const x = tenantResourceNames('x-ab', 'pay', 'DATABASE');
    const y = tenantResourceNames('xab', 'pay', 'DATABASE');
    const z = tenantResourceNames('x-ab', 'pay', 'DATABASE');
    const w = tenantResourceNames('x', 'ab-pay', 'DATABASE');
    expect(new Set([x.pgRole, y.pgRole, w.pgRole]).size).toBe(3);
    expect(new Set([x.pgDatabase, y.pgDatabase, w.pgDatabase]).size).toBe(3);
    expect(
      new Set([x.vhost, y.vhost, w.vhost, x.mongoDatabase, y.mongoDatabase, w.mongoDatabase]).size,
    ).toBe(3);
    expect(z.pgRole).toBe(x.pgRole);
  });

  it('rejects identifiers that could escape quoting or collide', () => {
    for (const bad of [
      'Acme',
      'a"; drop role x; --',
      'ab',
      '-abc',
      'abc-',
      'a--b',
      'a'.repeat(33),
      'ümlaut',
    ]) {
      expect(tenantIdSchema.safeParse(bad).success).toBe(false);
    }
  });
});
