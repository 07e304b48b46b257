import { rolePassword } from './role-password';

describe('rolePassword', () => {
  it("takes the role's own variable first (the role without its prefix, upper-cased)", () => {
    const env = { PG_PASSWORD_TENANT_REGISTRY: 'given-one', ENCLAVE_PG_ROLE_SEED: 'seed' };
    expect(rolePassword(env, 'enclave', 'enclave_tenant_registry')).toBe('given-one');
    expect(rolePassword(env, 'enclave_dev', 'enclave_dev_tenant_registry')).toBe('given-one');
  });

  it('derives a stable password per role from the seed, different per role and per seed', () => {
    const env = { ENCLAVE_PG_ROLE_SEED: 'seed-a' };
    const a = rolePassword(env, 'enclave', 'enclave_tenant_registry');
    expect(a).toMatch(/^[0-9a-f]{40}$/);
    expect(rolePassword(env, 'enclave', 'enclave_tenant_registry')).toBe(a);
    expect(rolePassword(env, 'enclave', 'enclave_tenant_admin')).not.toBe(a);
    expect(
      rolePassword({ ENCLAVE_PG_ROLE_SEED: 'seed-b' }, 'enclave', 'enclave_tenant_registry'),
    ).not.toBe(a);
  });

  it('refuses to make up a password nobody could hand to the app', () => {
    expect(() => rolePassword({}, 'enclave', 'enclave_tenant_admin')).toThrow(
      'neither PG_PASSWORD_TENANT_ADMIN nor ENCLAVE_PG_ROLE_SEED is set',
    );
  });
});
