import { JWTPayload } from 'jose';
import { PoolClient } from 'pg';
import { TenantAmqpLease } from '../amqp/tenant-amqp.connections';
import { TenantConnectionManager } from '../connections/tenant-connection.manager';
import { TenantMongoLease } from '../mongodb/tenant-mongo.clients';

/**
 * One unit of tenant work (an HTTP request, a consumed event): the tenant, its verified claims, and
 * the connections checked out for it, released when the work ends.
 */
export class TenantScope {
  private pg?: Promise<PoolClient>;
  private mongo?: Promise<TenantMongoLease>;
  private amqp?: Promise<TenantAmqpLease>;
  private ended = false;

  constructor(
    readonly tenantId: string,
    readonly claims: Readonly<JWTPayload> | undefined,
    private readonly connections: TenantConnectionManager,
  ) {}

  /** The scope's PostgreSQL connection: checked out on first use, the same one afterwards. */
  postgres(): Promise<PoolClient> {
    if (this.ended) return this.endedError();
    return (this.pg ??= this.connections.postgres(this.tenantId));
  }

  /** The scope's lease on the tenant's MongoDB database. */
  mongodb(): Promise<TenantMongoLease> {
    if (this.ended) return this.endedError();
    return (this.mongo ??= this.connections.mongodb(this.tenantId));
  }

  /** The scope's lease on the tenant's AMQP connection (its vhost). */
  rabbitmq(): Promise<TenantAmqpLease> {
    if (this.ended) return this.endedError();
    return (this.amqp ??= this.connections.rabbitmq(this.tenantId));
  }

  /** Gives the connections back (idempotent). Work started after this gets an error, not a leak. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const held of [this.pg, this.mongo, this.amqp]) {
      held?.then(
        (lease) => lease.release(),
        () => undefined,
      );
    }
  }

  private endedError(): Promise<never> {
    return Promise.reject(
      new Error(`the work for tenant ${this.tenantId} has ended; its connections are released`),
    );
  }
}
