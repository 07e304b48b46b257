import { PoolClient } from 'pg';

/**
 * Runs `work` in one PostgreSQL transaction on `client`, rolling back on any error. Never leaves the
 * connection inside a transaction (the SDK would close such a connection instead of pooling it).
 */
export async function inTransaction<T>(client: PoolClient, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
