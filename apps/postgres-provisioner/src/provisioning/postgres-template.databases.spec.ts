import { Migration } from '@enclave/contracts';
import { PostgresTemplateDatabases } from './postgres-template.databases';

const migrations: Migration[] = [
  { version: 1, name: 'a', sql: 'CREATE TABLE a (id int)' },
  { version: 2, name: 'b', sql: 'CREATE TABLE b (id int)' },
];

describe('PostgresTemplateDatabases names', () => {
  it('one template per (admin role, product, migration list), a valid identifier of ≤ 63 bytes', () => {
    const product = `p${'q'.repeat(18)}r`; // the longest product name
    const name = PostgresTemplateDatabases.nameOf('postgres', { product, migrations });
    expect(name).toMatch(/^enclave_tpl_[a-z0-9_]+_[0-9a-f]{16}$/);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
    expect(PostgresTemplateDatabases.nameOf('postgres', { product, migrations })).toBe(name);

    const others = [
      PostgresTemplateDatabases.nameOf('enclave_provisioner', { product, migrations }),
      PostgresTemplateDatabases.nameOf('postgres', { product: 'other-p', migrations }),
      PostgresTemplateDatabases.nameOf('postgres', { product, migrations: migrations.slice(0, 1) }),
      PostgresTemplateDatabases.nameOf('postgres', {
        product,
        migrations: [migrations[0], { ...migrations[1], sql: 'CREATE TABLE b (id bigint)' }],
      }),
    ];
    expect(new Set([name, ...others]).size).toBe(5);
    expect(PostgresTemplateDatabases.nameOf('postgres', { product: 'a-b', migrations })).toMatch(
      /^enclave_tpl_a_b_/,
    );
  });

  it('a template owner role per admin role, never a tenant role name', () => {
    const owner = PostgresTemplateDatabases.ownerOf('postgres');
    expect(owner).toMatch(/^enclave_tpl_owner_[0-9a-f]{12}$/);
    expect(PostgresTemplateDatabases.ownerOf('enclave_provisioner')).not.toBe(owner);
  });
});
