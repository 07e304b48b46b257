import { JWTPayload } from 'jose';
import { PoolClient } from 'pg';
import { TenantConnectionManager } from '../connections/tenant-connection.manager';

/**
 * One unit of tenant work (an HTTP request, a consumed event): the tenant, its verified claims, and
 * the connection checked out for it, released when the work ends.
 */
export class TenantScope {
  private pg?: Promise<PoolClient>;
  private ended = false;

  constructor(
    readonly tenantId: string,
    readonly claims: Readonly<JWTPayload> | undefined,
    private readonly connections: TenantConnectionManager,
  ) {}

  /** The scope's PostgreSQL connection: checked out on first use, the same one afterwards. */
  postgres(): Promise<PoolClient> {
    if (this.ended) {
      return Promise.reject(
        new Error(`the work for tenant ${this.tenantId} has ended; its connection is released`),
      );
    }
    return (this.pg ??= this.connections.postgres(this.tenantId));
  }

  /** Gives the connection back (idempotent). Work started after this gets an error, not a leak. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.pg?.then(
      (client) => client.release(),
      () => undefined,
    );
  }
}
