/**
 * Reads MULTI_TENANT_ENABLED: `true`/`1` or `false`/`0` (unset means true: isolation unless a product
 * explicitly runs on one pre-configured database). Anything else is a start-up error, not a guess.
 */
export function multiTenantEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const raw = env.MULTI_TENANT_ENABLED?.trim().toLowerCase();
  if (raw === undefined || raw === '' || raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new Error(
    `MULTI_TENANT_ENABLED must be true or false, not ${JSON.stringify(env.MULTI_TENANT_ENABLED)}`,
  );
}
