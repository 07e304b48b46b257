import { tenantResourceNames } from '@enclave/contracts';
import { PlatformHarness } from './platform.harness';
import { TenantResources } from './tenant-resources';

/** Everything a replay must leave as it was: state rows, vault versions and the real resources. */
export async function replaySnapshot(
  platform: PlatformHarness,
  resources: TenantResources,
  tenants: string[],
) {
  const registrations = await platform.platformQuery(
    `SELECT id, tenant_id, product, state, status_revision, conditions FROM tenant_registry.service_registration ORDER BY id`,
  );
  const statuses = await platform.platformQuery(
    `SELECT registration_id, state, revision, stages, schema_version FROM readiness_aggregator.service_status ORDER BY registration_id`,
  );
  const secrets = await platform.platformQuery(
    `SELECT path, count(*)::int AS versions, max(version) AS latest FROM enclave_vault.secret_version GROUP BY path ORDER BY path`,
  );
  const infrastructure: unknown[] = [];
  for (const tenantId of tenants) {
    for (const [product, mode] of [
      ['ledger', 'SCHEMA'],
      ['tracer', 'DATABASE'],
    ] as const) {
      const names = tenantResourceNames(tenantId, product, mode);
      infrastructure.push({
        tenantId,
        product,
        postgres: await resources.postgres(names),
        vhost: product === 'ledger' ? await resources.vhostExists(names.vhost) : null,
        mongo:
          product === 'ledger' ? await resources.mongoDatabaseExists(names.mongoDatabase) : null,
      });
    }
  }
  return { registrations, statuses, secrets, infrastructure };
}
