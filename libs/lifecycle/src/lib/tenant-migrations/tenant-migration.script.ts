import { Migration, ProductManifests } from '@enclave/contracts';
import { escapeLiteral } from 'pg';

/** A migration's record in a tenant's `enclave_schema_migrations`. */
export interface TenantMigrationRecord {
  readonly version: number;
  readonly name: string;
  readonly checksum: string;
}

export const tenantMigrationRecordOf = (m: Migration): TenantMigrationRecord => ({
  version: m.version,
  name: m.name,
  checksum: ProductManifests.migrationChecksum(m),
});

/**
 * The SQL that makes a tenant's schema (or a template database's `public`) and its migration
 * records, shared by the migration-runner and the postgres-provisioner's template databases so
 * both produce the same catalog. `schema` is already quoted.
 */
export const tenantMigrationScript = {
  /** The per-tenant version table, one row per applied migration. */
  historyTable(schema: string): string {
    return `
      CREATE TABLE IF NOT EXISTS ${schema}.enclave_schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now(),
        checksum   text NOT NULL
      )`;
  },

  /**
   * The version table, every migration and its record in one transaction sent as one query.
   * Statements are joined on their own lines, so a migration ending in a `--` comment cannot swallow
   * the next one, and the search_path is set again before each migration, as each one gets it when
   * migrations run one by one.
   */
  freshSchema(schema: string, migrations: readonly Migration[]): string {
    const statements = ['BEGIN', this.historyTable(schema)];
    for (const m of migrations) {
      const record = tenantMigrationRecordOf(m);
      statements.push(
        `SET LOCAL search_path TO ${schema}`,
        m.sql,
        `INSERT INTO ${schema}.enclave_schema_migrations (version, name, applied_at, checksum) VALUES (` +
          `${record.version}, ${escapeLiteral(record.name)}, now(), ${escapeLiteral(record.checksum)})`,
      );
    }
    statements.push('COMMIT');
    return statements.join('\n;\n');
  },
};
