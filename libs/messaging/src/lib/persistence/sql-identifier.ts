/** Quotes a PostgreSQL identifier after checking it is a plain lowercase name. */
export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new Error(`refusing unsafe SQL identifier ${JSON.stringify(name)}`);
  }
  return `"${name}"`;
}
