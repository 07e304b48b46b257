import {
  PermanentStageError,
  TenantMigrationRecord,
  tenantMigrationRecordOf,
  tenantMigrationScript,
} from '@enclave/lifecycle';
import { quoteIdent } from '@enclave/messaging';
import { Migration } from '@enclave/contracts';
import { Injectable } from '@nestjs/common';
import { Client } from 'pg';
import { MigrationError, Umzug, UmzugStorage } from 'umzug';

export interface TenantMigrationRequest {
  /**
   * The tenant role's own credentials, to the tenant's database: what the migrations create is owned
   * by that role and can only land where it may create (its schema or database).
   */
  readonly connectionString: string;
  /** The tenant's schema (SCHEMA mode) or `public` of its own database (DATABASE mode). */
  readonly schema: string;
  readonly migrations: readonly Migration[];
}

export interface TenantMigrationResult {
  /** The last migration's version: every migration of the manifest is applied when this returns. */
  readonly schemaVersion: number;
  /** What this run applied (`<version>-<name>`), in order; empty when the tenant was up to date. */
  readonly applied: string[];
}

type MigrationRecord = TenantMigrationRecord;

interface MigrationContext {
  readonly client: Client;
}

/** SQLSTATE classes no retry can fix: data exception, constraint, invalid transaction state, syntax or access rule, unsupported. */
const DETERMINISTIC_SQLSTATE = /^(0A|22|23|25|42)/;

const labelOf = (m: Pick<MigrationRecord, 'version' | 'name'>): string => `${m.version}-${m.name}`;

const recordOf = tenantMigrationRecordOf;

/**
 * Applies a product's migrations to one tenant's schema with umzug. Each tenant carries its own version
 * record (`enclave_schema_migrations` in its schema). Every migration runs in one transaction with its
 * record, so a failure leaves nothing half-applied; a session advisory lock keyed on the schema keeps two
 * replicas from migrating the same tenant at once (the one that waited finds nothing left to do).
 *
 * A fresh tenant (no version record yet), the common case, gets every migration and its record in one
 * transaction sent as one query: one round trip and one commit instead of three per migration. If
 * that fails, it is rolled back whole and the per-migration path runs instead, which names the
 * migration that fails and keeps the ones before it, exactly as for a tenant that is not fresh.
 */
@Injectable()
export class TenantMigrator {
  async migrate(request: TenantMigrationRequest): Promise<TenantMigrationResult> {
    const schema = quoteIdent(request.schema);
    const records = request.migrations.map(recordOf);
    const client = new Client({
      connectionString: request.connectionString,
      application_name: 'migration-runner',
      connectionTimeoutMillis: 5_000,
    });
    await client.connect();
    try {
      // Session-level: held across the per-migration transactions, released when the session ends.
      const { rows } = await client.query<{ fresh: boolean }>(
        'SELECT pg_advisory_lock(hashtext($1)), to_regclass($2) IS NULL AS fresh',
        [`enclave.tenant-migrations.${request.schema}`, `${schema}.enclave_schema_migrations`],
      );
      const storage = new TenantSchemaStorage(schema, new Map(records.map((r) => [labelOf(r), r])));
      if (rows[0].fresh && records.length > 0) {
        const applied = await storage.applyAllAtOnce(client, schema, request.migrations);
        if (applied) return { schemaVersion: records.at(-1)!.version, applied };
      }
      if (rows[0].fresh) await storage.ensureTable(client);
      const history = await storage.applied(client);
      checkHistory(request.schema, history, records);
      const last = records.at(-1)?.version;
      // Every migration recorded already (a copy of a template, a rollout's tenant at the target):
      // nothing to run, no umzug pass reading the history again.
      if (history.length === records.length) return { schemaVersion: last ?? 0, applied: [] };
      const umzug = new Umzug<MigrationContext>({
        migrations: request.migrations.map((m) => ({
          name: labelOf(m),
          // Opens the transaction the storage commits together with the migration's record. Only the
          // last commit waits for the WAL flush, which makes every earlier one durable too; a crash
          // before it leaves the tenant at an earlier, whole version and the run unreported.
          up: ({ context }) =>
            context.client.query(
              `BEGIN; SET LOCAL synchronous_commit TO ${m.version === last ? 'on' : 'off'}; SET LOCAL search_path TO ${schema}; ${m.sql}`,
            ),
        })),
        context: { client },
        storage,
        logger: undefined,
      });
      const applied = await umzug.up();
      return { schemaVersion: last ?? 0, applied: applied.map((m) => m.name) };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw stageErrorOf(request.schema, error);
    } finally {
      await client.end();
    }
  }
}

/**
 * umzug storage in the tenant's own schema. `logMigration` writes the record inside the transaction the
 * migration opened and commits both; nothing is ever unlogged (tenant migrations are forward-only).
 */
class TenantSchemaStorage implements UmzugStorage<MigrationContext> {
  private readonly table: string;

  constructor(
    private readonly schema: string,
    private readonly records: ReadonlyMap<string, MigrationRecord>,
  ) {
    this.table = `${schema}.enclave_schema_migrations`;
  }

  async ensureTable(client: Client): Promise<void> {
    await client.query(this.createTable());
  }

  /**
   * The version table, every migration and its record in one transaction and one round trip
   * (tenantMigrationScript.freshSchema); the labels applied, or undefined (all rolled back) when any
   * statement failed.
   */
  async applyAllAtOnce(
    client: Client,
    schema: string,
    migrations: readonly Migration[],
  ): Promise<string[] | undefined> {
    try {
      await client.query(tenantMigrationScript.freshSchema(schema, migrations));
      return migrations.map(labelOf);
    } catch {
      await client.query('ROLLBACK');
      return undefined;
    }
  }

  private createTable(): string {
    return tenantMigrationScript.historyTable(this.schema);
  }

  async applied(client: Client): Promise<MigrationRecord[]> {
    const { rows } = await client.query<MigrationRecord>(
      `SELECT version, name, checksum FROM ${this.table} ORDER BY version`,
    );
    return rows;
  }

  async executed({ context }: { context: MigrationContext }): Promise<string[]> {
    return (await this.applied(context.client)).map(labelOf);
  }

  async logMigration({
    name,
    context,
  }: {
    name: string;
    context: MigrationContext;
  }): Promise<void> {
    const record = this.records.get(name);
    if (!record) throw new Error(`no migration named ${name}`);
    await context.client.query(
      `INSERT INTO ${this.table} (version, name, applied_at, checksum) VALUES ($1, $2, now(), $3)`,
      [record.version, record.name, record.checksum],
    );
    await context.client.query('COMMIT');
  }

  async unlogMigration(): Promise<void> {
    throw new Error('tenant migrations are forward-only: a released migration is never unlogged');
  }
}

/** What is applied must be exactly what the manifest released; pending migrations may only come after it. */
function checkHistory(
  schema: string,
  applied: readonly MigrationRecord[],
  wanted: readonly MigrationRecord[],
): void {
  const byVersion = new Map(wanted.map((m) => [m.version, m]));
  for (const row of applied) {
    const declared = byVersion.get(row.version);
    if (!declared) {
      throw new PermanentStageError(
        `schema ${schema} has migration ${labelOf(row)} applied, which the product manifest does not declare (tenant ahead of this release?)`,
      );
    }
    if (declared.name !== row.name || declared.checksum !== row.checksum) {
      throw new PermanentStageError(
        `migration ${labelOf(declared)} changed after it was applied to schema ${schema} (recorded ${labelOf(row)} ` +
          `sha256 ${row.checksum.slice(0, 12)}…, manifest sha256 ${declared.checksum.slice(0, 12)}…): ` +
          'released migrations must never change; ship a new one',
      );
    }
  }
  const current = applied.at(-1)?.version ?? 0;
  const done = new Set(applied.map((r) => r.version));
  const skipped = wanted.find((m) => m.version < current && !done.has(m.version));
  if (skipped) {
    throw new PermanentStageError(
      `migration ${labelOf(skipped)} is older than schema ${schema}'s version ${current} but was never applied there: ` +
        'new migrations must come after released ones',
    );
  }
}

/** Names the failed migration; SQL that fails deterministically is permanent, the rest keeps its code for the retry policy. */
function stageErrorOf(schema: string, error: unknown): unknown {
  if (!(error instanceof MigrationError)) return error;
  const cause = error.cause as { message?: string; code?: unknown } | undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const message = `migration ${error.migration.name} failed in schema ${schema}: ${cause?.message ?? String(cause)}${code ? ` (SQLSTATE ${code})` : ''}`;
  if (code && DETERMINISTIC_SQLSTATE.test(code)) return new PermanentStageError(message);
  return Object.assign(new Error(message, { cause }), { code });
}
