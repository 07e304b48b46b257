import { Inject, Injectable } from '@nestjs/common';
import { JWTPayload } from 'jose';
import { AsyncLocalStorage } from 'node:async_hooks';
import { PoolClient } from 'pg';
import { TenantAmqpLease } from '../amqp/tenant-amqp.connections';
import { TenantConnectionManager } from '../connections/tenant-connection.manager';
import { TenantMongoLease } from '../mongodb/tenant-mongo.clients';
import { TenantScope } from './tenant-scope';

/**
 * The current tenant, from anywhere beneath a request (or `run`), without request-scoped providers:
 * TenantInterceptor opens a TenantScope per request in an AsyncLocalStorage and ends it afterwards.
 */
@Injectable()
export class TenantContext {
  private readonly storage = new AsyncLocalStorage<TenantScope>();

  constructor(
    @Inject(TenantConnectionManager) private readonly connections: TenantConnectionManager,
  ) {}

  /** The current scope, or undefined outside tenant work. */
  get scope(): TenantScope | undefined {
    return this.storage.getStore();
  }

  get tenantId(): string {
    return this.required().tenantId;
  }

  /** The verified token claims (undefined in single-tenant mode and in `run`). */
  get claims(): Readonly<JWTPayload> | undefined {
    return this.required().claims;
  }

  /** A connection bound to the current tenant, released when the request ends. */
  postgres(): Promise<PoolClient> {
    const scope = this.storage.getStore();
    return scope ? scope.postgres() : Promise.reject(outside());
  }

  /** The current tenant's MongoDB database (`lease.db`), released when the request ends. */
  mongodb(): Promise<TenantMongoLease> {
    const scope = this.storage.getStore();
    return scope ? scope.mongodb() : Promise.reject(outside());
  }

  /** The current tenant's AMQP connection (`lease.connection`), released when the request ends. */
  rabbitmq(): Promise<TenantAmqpLease> {
    const scope = this.storage.getStore();
    return scope ? scope.rabbitmq() : Promise.reject(outside());
  }

  /** Runs tenant work outside HTTP (an event handler, a job); its connections are released after. */
  async run<T>(
    tenantId: string,
    work: () => Promise<T> | T,
    claims?: Readonly<JWTPayload>,
  ): Promise<T> {
    const scope = this.open(tenantId, claims);
    try {
      return await this.storage.run(scope, work);
    } finally {
      scope.end();
    }
  }

  open(tenantId: string, claims?: Readonly<JWTPayload>): TenantScope {
    return new TenantScope(tenantId, claims, this.connections);
  }

  /** Runs `fn` (synchronously) inside `scope`: everything it starts sees the scope. */
  enter<T>(scope: TenantScope, fn: () => T): T {
    return this.storage.run(scope, fn);
  }

  private required(): TenantScope {
    const scope = this.storage.getStore();
    if (!scope) throw outside();
    return scope;
  }
}

function outside(): Error {
  return new Error(
    'no tenant in context: use TenantInterceptor on the route, or TenantContext.run()',
  );
}
