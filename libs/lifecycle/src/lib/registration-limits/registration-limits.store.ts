import { RegistrationLimits, RegistrationRef } from '@enclave/contracts';
import { quoteIdent } from '@enclave/messaging';
import { createSchemaIfMissing, schemaLockKey } from '@enclave/service-kit';
import { DataSource, EntityManager } from 'typeorm';

/**
 * A stage's own record of each registration's resource limits, in its schema
 * (`registration_limits`): the limits at the highest revision seen (ServiceRegistered is 0, each
 * RegistrationLimitsChanged one more), so a late or replayed older change never overrides a newer
 * one. A row at revision -1 without limits stands for "the defaults, nothing seen yet".
 *
 * Making a resource holds its registration's row FOR SHARE until it commits, and a change updates
 * that row before it applies: so either the making sees the new limits, or the change waits for it
 * and then finds the resource to apply them to.
 */
export class RegistrationLimitsStore {
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
  ) {
    this.table = `${quoteIdent(schema)}.registration_limits`;
  }

  /** Creates the table; replicas starting together serialize on the schema's advisory lock. */
  async ensureTables(): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [schemaLockKey(this.schema)]);
      await createSchemaIfMissing(tx, this.schema);
      await tx.query(`
        CREATE TABLE IF NOT EXISTS ${this.table} (
          registration_id  uuid PRIMARY KEY,
          tenant_id        text NOT NULL,
          product          text NOT NULL,
          revision         integer NOT NULL,
          limits           jsonb,
          changed_at       timestamptz NOT NULL DEFAULT now()
        )`);
    });
  }

  /**
   * Keeps `limits` at `revision` when it is newer than the revision kept; true when it was (and so
   * must be applied), false for a repeat or an older change arriving late.
   */
  async record(
    tx: EntityManager,
    registration: RegistrationRef,
    revision: number,
    limits: RegistrationLimits,
  ): Promise<boolean> {
    const rows = (await tx.query(
      `INSERT INTO ${this.table} AS l (registration_id, tenant_id, product, revision, limits)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (registration_id) DO UPDATE
         SET revision = EXCLUDED.revision, limits = EXCLUDED.limits, changed_at = now()
         WHERE l.revision < EXCLUDED.revision
       RETURNING l.registration_id`,
      [
        registration.registrationId,
        registration.tenantId,
        registration.product,
        revision,
        JSON.stringify(limits),
      ],
    )) as unknown[];
    return rows.length > 0;
  }

  /**
   * Before a stage makes or converges a resource: the registration's limits (null: the defaults),
   * held (FOR SHARE) until `tx` ends so a change waits for the resource to exist.
   */
  async hold(tx: EntityManager, registration: RegistrationRef): Promise<RegistrationLimits | null> {
    await tx.query(
      `INSERT INTO ${this.table} (registration_id, tenant_id, product, revision, limits)
       VALUES ($1, $2, $3, -1, NULL) ON CONFLICT (registration_id) DO NOTHING`,
      [registration.registrationId, registration.tenantId, registration.product],
    );
    const [row] = (await tx.query(
      `SELECT limits FROM ${this.table} WHERE registration_id = $1 FOR SHARE`,
      [registration.registrationId],
    )) as { limits: RegistrationLimits | null }[];
    return row.limits;
  }

  /** At offboarding: the registration's limits go with its resources. */
  async forget(tx: EntityManager, registration: Pick<RegistrationRef, 'registrationId'>) {
    await tx.query(`DELETE FROM ${this.table} WHERE registration_id = $1`, [
      registration.registrationId,
    ]);
  }
}
