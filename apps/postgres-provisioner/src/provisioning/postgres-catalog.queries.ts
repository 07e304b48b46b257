import { ClientBase } from 'pg';

/** The role the provisioner's sessions run as. */
export interface AdminRole {
  readonly name: string;
  readonly superuser: boolean;
}

/** What the provisioner checks on a role before it uses one: its dangerous attributes and its comment. */
export interface RoleRow {
  readonly rolsuper: boolean;
  readonly rolreplication: boolean;
  readonly rolbypassrls: boolean;
  readonly marker: string | null;
}

/** The system-catalog reads provisioning decides on: who owns what, and who may use it. */
export const pgCatalog = {
  async currentRole(client: ClientBase): Promise<AdminRole> {
    const { rows } = await client.query<AdminRole>(
      'SELECT current_user AS name, rolsuper AS superuser FROM pg_roles WHERE rolname = current_user',
    );
    return rows[0];
  },

  async role(client: ClientBase, role: string): Promise<RoleRow | undefined> {
    const { rows } = await client.query<RoleRow>(
      `SELECT rolsuper, rolreplication, rolbypassrls, shobj_description(oid, 'pg_authid') AS marker
         FROM pg_roles WHERE rolname = $1`,
      [role],
    );
    return rows[0];
  },

  async databaseOwner(client: ClientBase, database: string): Promise<string | undefined> {
    const { rows } = await client.query<{ owner: string }>(
      'SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1',
      [database],
    );
    return rows[0]?.owner;
  },

  async schemaOwner(client: ClientBase, schema: string): Promise<string | undefined> {
    const { rows } = await client.query<{ owner: string }>(
      'SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = $1',
      [schema],
    );
    return rows[0]?.owner;
  },

  /**
   * Whether the current role may use a database it does not own as a product database: its owner
   * gave it CONNECT with GRANT OPTION (to let tenants in) and CREATE (for their schemas).
   */
  async databaseDelegated(client: ClientBase, database: string): Promise<boolean> {
    const { rows } = await client.query<{ delegated: boolean }>(
      `SELECT has_database_privilege(current_user, $1, 'CONNECT WITH GRANT OPTION')
              AND has_database_privilege(current_user, $1, 'CREATE') AS delegated`,
      [database],
    );
    return rows[0].delegated;
  },

  /** Whether PUBLIC holds any privilege on it; checked first because a no-op REVOKE still rewrites the row. */
  async publicHasAccess(
    client: ClientBase,
    kind: 'database' | 'schema',
    name: string,
  ): Promise<boolean> {
    const sql =
      kind === 'database'
        ? `SELECT EXISTS (SELECT 1 FROM pg_database d, aclexplode(coalesce(d.datacl, acldefault('d'::"char", d.datdba))) a
                           WHERE d.datname = $1 AND a.grantee = 0) AS public`
        : `SELECT EXISTS (SELECT 1 FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n'::"char", n.nspowner))) a
                           WHERE n.nspname = $1 AND a.grantee = 0) AS public`;
    const { rows } = await client.query<{ public: boolean }>(sql, [name]);
    return rows[0].public;
  },
};
