import { IsolationMode } from '@enclave/contracts';
import { Queryable } from '@enclave/messaging';
import { Injectable } from '@nestjs/common';

export interface TenantSchemaVersion {
  readonly registrationId: string;
  readonly tenantId: string;
  readonly product: string;
  readonly isolationMode: IsolationMode;
  readonly database: string;
  readonly schema: string;
  readonly version: number;
}

/**
 * The migration-runner's own record of where each registration's schema stands, written in the
 * handler's transaction so it commits with MigrationsApplied. A version never goes backwards, so a
 * late or replayed event cannot undo a newer one.
 */
@Injectable()
export class TenantSchemaVersionStore {
  async record(tx: Queryable, v: TenantSchemaVersion): Promise<void> {
    await tx.query(
      `INSERT INTO migration_runner.tenant_schema_version
         (registration_id, tenant_id, product, isolation_mode, database, schema, version, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now())
       ON CONFLICT (registration_id) DO UPDATE
         SET version = EXCLUDED.version, database = EXCLUDED.database, schema = EXCLUDED.schema, updated_at = now()
         WHERE tenant_schema_version.version <= EXCLUDED.version`,
      [v.registrationId, v.tenantId, v.product, v.isolationMode, v.database, v.schema, v.version],
    );
  }

  /** An offboarded registration has no schema left to track. Idempotent. */
  async forget(tx: Queryable, registrationId: string): Promise<void> {
    await tx.query(
      'DELETE FROM migration_runner.tenant_schema_version WHERE registration_id = $1',
      [registrationId],
    );
  }
}
