/**
 * Where tenant databases are served. `TENANT_PG_URL` gives scheme, host, port and options (sslmode…)
 * but no credentials: every tenant connection logs in as the tenant's own role, password from the vault.
 */
export class TenantPostgresEndpoint {
  private readonly base: URL;

  constructor(baseUrl: string) {
    this.base = new URL(baseUrl);
    if (!/^postgres(ql)?:$/.test(this.base.protocol))
      throw new Error('TENANT_PG_URL must be a postgres:// URL');
    if (this.base.username || this.base.password) {
      throw new Error(
        'TENANT_PG_URL must not carry credentials: tenants connect with their own roles',
      );
    }
  }

  connectionString(login: { user: string; password: string; database: string }): string {
    const url = new URL(this.base.toString());
    // Encoded here: the URL setters leave `%` alone, and the pg driver decodes both fields.
    url.username = encodeURIComponent(login.user);
    url.password = encodeURIComponent(login.password);
    url.pathname = `/${encodeURIComponent(login.database)}`;
    return url.toString();
  }
}
