// The platform's PostgreSQL roles, made (or brought back to that state) with a superuser's URL: one
// login role per app owning its schema, the vault's schema owner, the provisioner's CREATEROLE +
// CREATEDB tenant admin, and CONNECT taken from PUBLIC. Safe to repeat. Prints shell `export` lines:
// ENCLAVE_DATABASE_URL_<APP> (each app's DATABASE_URL) and ENCLAVE_TENANT_PG_ADMIN_URL, or nothing
// with ENCLAVE_PG_ROLES_OUTPUT=none (a deployment whose apps are given their URLs already).
// Usage: PG_ADMIN_URL=… ENCLAVE_DB=enclave [ENCLAVE_PG_ROLE_PREFIX=enclave] \
//   [ENCLAVE_PG_CLOSE_MAINTENANCE_DB=true] [ENCLAVE_PG_DELEGATE_DATABASES=p_ledger,…] \
//   ENCLAVE_PG_ROLE_SEED=… | PG_PASSWORD_<ROLE>=… \
//   node dist/tools/postgres-roles/src/main.js
import { PlatformPostgresRoles } from '@enclave/service-kit';
import fs from 'node:fs';
import path from 'node:path';
import { rolePassword } from './role-password';

/** The one list of apps (scripts/platform-apps.json; build copies it to dist/scripts/). */
function platformApps(): { name: string }[] {
  const file = path.resolve(__dirname, '../../../scripts/platform-apps.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as { name: string }[];
}

async function main(env: NodeJS.ProcessEnv): Promise<void> {
  const adminUrl = env.PG_ADMIN_URL;
  const database = env.ENCLAVE_DB;
  if (!adminUrl || !database) throw new Error('PG_ADMIN_URL and ENCLAVE_DB are required');
  const prefix = env.ENCLAVE_PG_ROLE_PREFIX || 'enclave';
  const roles = new PlatformPostgresRoles({
    adminUrl,
    database,
    prefix,
    apps: platformApps().map((app) => app.name),
    passwordOf: (role) => rolePassword(env, prefix, role),
    closeMaintenanceDatabase: (env.ENCLAVE_PG_CLOSE_MAINTENANCE_DB ?? 'true') === 'true',
  });
  const logins = await roles.ensure();
  // SCHEMA mode's product databases a superuser made before these roles (an upgraded server).
  const delegated = (env.ENCLAVE_PG_DELEGATE_DATABASES ?? '').split(',').filter(Boolean);
  await roles.delegateDatabases(delegated, { create: false });
  if (env.ENCLAVE_PG_ROLES_OUTPUT === 'none') {
    console.error(`postgres-roles: ${Object.keys(logins.databaseUrls).length} app roles ready`);
    return;
  }
  const quote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  for (const [app, url] of Object.entries(logins.databaseUrls))
    console.log(
      `export ENCLAVE_DATABASE_URL_${app.replace(/-/g, '_').toUpperCase()}=${quote(url)}`,
    );
  console.log(`export ENCLAVE_TENANT_PG_ADMIN_URL=${quote(logins.tenantAdminUrl)}`);
}

main(process.env).catch((error: unknown) => {
  console.error(`postgres-roles: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
