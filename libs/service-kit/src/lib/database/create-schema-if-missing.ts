/** What runs a query: a TypeORM QueryRunner or EntityManager, a pg client. */
interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * `CREATE SCHEMA IF NOT EXISTS`, for an app role that owns its schema but may not create schemas:
 * PostgreSQL checks CREATE on the database before it looks for the schema, so the statement fails
 * for a least-privileged role even when the schema is there. The catalog is looked at first, and
 * the statement runs only where it has something to do (a superuser's or a first start's database).
 * `schema` must be a plain identifier (the callers' service names).
 */
export async function createSchemaIfMissing(db: Queryable, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`refusing unsafe schema name ${JSON.stringify(schema)}`);
  }
  const found = await db.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  const rows = Array.isArray(found) ? found : ((found as { rows?: unknown[] }).rows ?? []);
  if (rows.length === 0) await db.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
}
