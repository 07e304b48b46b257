import { IsolationMode, TenantStatus, TenantStatusChangedPayload } from '@enclave/contracts';
import { quoteIdent } from '@enclave/messaging';
import { createSchemaIfMissing, schemaLockKey } from '@enclave/service-kit';
import { DataSource, EntityManager } from 'typeorm';
import { TenantLogin } from './tenant-login';

/** A rotation's cutoff that is due: sessions of `login` opened before `cutoff` must end. */
export interface DueCutoff {
  readonly login: TenantLogin;
  readonly cutoff: Date;
}

interface LoginRow {
  tenant_id: string;
  product: string;
  isolation_mode: IsolationMode;
}

/**
 * A stage's own record of tenant access, in its schema:
 * - `tenant_access`: each tenant's status at the highest TenantStatusChanged revision seen, so a
 *   late or replayed older change never overrides a newer one;
 * - `tenant_access_login`: the registrations this stage made logins for, so a status change finds
 *   them (kept from provisioning until release);
 * - `session_cutoff`: after a rotation, when (due_at) the sessions opened before `cutoff` must end.
 *
 * A provisioning holds its tenant's row FOR SHARE until it commits, and a status change updates
 * that row before it enforces: so either the provisioning sees the new status, or the change waits
 * for it and then finds its login.
 */
export class TenantAccessStore {
  private readonly access: string;
  private readonly logins: string;
  private readonly cutoffs: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    /** Grace after a rotation before old sessions end; undefined: the stage keeps no cutoffs. */
    readonly rotationGraceSeconds?: number,
  ) {
    this.access = `${quoteIdent(schema)}.tenant_access`;
    this.logins = `${quoteIdent(schema)}.tenant_access_login`;
    this.cutoffs = `${quoteIdent(schema)}.session_cutoff`;
  }

  /** Creates the tables; replicas starting together serialize on the schema's advisory lock. */
  async ensureTables(): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [schemaLockKey(this.schema)]);
      await createSchemaIfMissing(tx, this.schema);
      await tx.query(`
        CREATE TABLE IF NOT EXISTS ${this.access} (
          tenant_id   text PRIMARY KEY,
          status      text NOT NULL CHECK (status IN ('active', 'suspended')),
          revision    integer NOT NULL,
          changed_at  timestamptz NOT NULL DEFAULT now()
        )`);
      await tx.query(`
        CREATE TABLE IF NOT EXISTS ${this.logins} (
          tenant_id       text NOT NULL,
          product         text NOT NULL,
          isolation_mode  text NOT NULL,
          PRIMARY KEY (tenant_id, product)
        )`);
      await tx.query(`
        CREATE TABLE IF NOT EXISTS ${this.cutoffs} (
          tenant_id       text NOT NULL,
          product         text NOT NULL,
          isolation_mode  text NOT NULL,
          cutoff          timestamptz NOT NULL,
          due_at          timestamptz NOT NULL,
          PRIMARY KEY (tenant_id, product, cutoff)
        )`);
    });
  }

  /**
   * Keeps a status change when it is newer than the one kept; true when it was (and so must be
   * enforced), false for a repeat or an older change arriving late.
   */
  async record(tx: EntityManager, change: TenantStatusChangedPayload): Promise<boolean> {
    const rows = (await tx.query(
      `INSERT INTO ${this.access} AS a (tenant_id, status, revision) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id) DO UPDATE
         SET status = EXCLUDED.status, revision = EXCLUDED.revision, changed_at = now()
         WHERE a.revision < EXCLUDED.revision
       RETURNING a.tenant_id`,
      [change.tenantId, change.status, change.revision],
    )) as unknown[];
    return rows.length > 0;
  }

  /**
   * Before a stage makes or converges a login: remembers it, and answers the tenant's status, held
   * (FOR SHARE) until `tx` ends so a status change waits for this login to exist.
   */
  async hold(tx: EntityManager, login: TenantLogin): Promise<TenantStatus> {
    await tx.query(
      `INSERT INTO ${this.access} (tenant_id, status, revision) VALUES ($1, 'active', 0)
       ON CONFLICT (tenant_id) DO NOTHING`,
      [login.tenantId],
    );
    const [row] = (await tx.query(
      `SELECT status FROM ${this.access} WHERE tenant_id = $1 FOR SHARE`,
      [login.tenantId],
    )) as { status: TenantStatus }[];
    await tx.query(
      `INSERT INTO ${this.logins} (tenant_id, product, isolation_mode) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id, product) DO UPDATE SET isolation_mode = EXCLUDED.isolation_mode`,
      [login.tenantId, login.product, login.mode],
    );
    return row.status;
  }

  /** The tenant's status as kept (active when no change was ever seen). */
  async statusOf(tenantId: string): Promise<TenantStatus> {
    const [row] = (await this.dataSource.query(
      `SELECT status FROM ${this.access} WHERE tenant_id = $1`,
      [tenantId],
    )) as { status: TenantStatus }[];
    return row?.status ?? 'active';
  }

  /** The logins this stage made for the tenant. */
  async loginsOf(tx: EntityManager, tenantId: string): Promise<TenantLogin[]> {
    const rows = (await tx.query(
      `SELECT tenant_id, product, isolation_mode FROM ${this.logins} WHERE tenant_id = $1 ORDER BY product`,
      [tenantId],
    )) as LoginRow[];
    return rows.map(loginOf);
  }

  /** At offboarding: the login is gone, and so are its pending cutoffs. */
  async forget(tx: EntityManager, login: Omit<TenantLogin, 'mode'>): Promise<void> {
    const key = [login.tenantId, login.product];
    await tx.query(`DELETE FROM ${this.logins} WHERE tenant_id = $1 AND product = $2`, key);
    await tx.query(`DELETE FROM ${this.cutoffs} WHERE tenant_id = $1 AND product = $2`, key);
  }

  /**
   * After a rotation was applied at `cutoff`: the sessions opened before it end once the grace is
   * over. Nothing when the stage keeps no cutoffs.
   */
  async scheduleCutoff(tx: EntityManager, login: TenantLogin, cutoff: Date): Promise<void> {
    if (this.rotationGraceSeconds === undefined) return;
    const due = new Date(cutoff.getTime() + this.rotationGraceSeconds * 1000);
    await tx.query(
      `INSERT INTO ${this.cutoffs} (tenant_id, product, isolation_mode, cutoff, due_at)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [login.tenantId, login.product, login.mode, cutoff, due],
    );
  }

  /**
   * Runs `end` for each cutoff due at `now` (at most `limit`), removing those it ended; rows another
   * replica is working on are skipped. A failed `end` keeps its row for the next sweep.
   */
  async sweepDue(now: Date, end: (due: DueCutoff) => Promise<void>, limit = 50): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const rows = (await tx.query(
        `SELECT tenant_id, product, isolation_mode, cutoff FROM ${this.cutoffs}
          WHERE due_at <= $1 ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now, limit],
      )) as (LoginRow & { cutoff: Date })[];
      let ended = 0;
      for (const row of rows) {
        try {
          await end({ login: loginOf(row), cutoff: new Date(row.cutoff) });
        } catch {
          continue;
        }
        await tx.query(
          `DELETE FROM ${this.cutoffs} WHERE tenant_id = $1 AND product = $2 AND cutoff = $3`,
          [row.tenant_id, row.product, row.cutoff],
        );
        ended++;
      }
      return ended;
    });
  }
}

function loginOf(row: LoginRow): TenantLogin {
  return { tenantId: row.tenant_id, product: row.product, mode: row.isolation_mode };
}
