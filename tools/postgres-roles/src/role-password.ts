import { createHmac } from 'node:crypto';

/**
 * A role's password: `PG_PASSWORD_<ROLE>` when the environment gives it (a deployment's own, e.g.
 * docker-compose; `<ROLE>` is the role without its prefix, upper-cased: PG_PASSWORD_TENANT_REGISTRY),
 * else derived from `ENCLAVE_PG_ROLE_SEED` (npm start keeps one seed, so repeated runs agree with the
 * apps still running). Neither: refused, rather than a password nobody can hand to the app.
 */
export function rolePassword(env: NodeJS.ProcessEnv, prefix: string, role: string): string {
  const key = `PG_PASSWORD_${role.slice(prefix.length + 1).toUpperCase()}`;
  const given = env[key];
  if (given) return given;
  const seed = env.ENCLAVE_PG_ROLE_SEED;
  if (!seed) throw new Error(`neither ${key} nor ENCLAVE_PG_ROLE_SEED is set`);
  return createHmac('sha256', seed).update(role).digest('hex').slice(0, 40);
}
