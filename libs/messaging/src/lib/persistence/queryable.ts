/** What the outbox and the dedup store need from a transaction: TypeORM's EntityManager fits. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** TypeORM returns rows for SELECT/INSERT … RETURNING but [rows, count] for UPDATE/DELETE. */
export function rowsOf<T>(result: unknown): T[] {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return Array.isArray(result) ? (result as T[]) : [];
}
