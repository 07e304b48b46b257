import { Db, MongoClient, MongoClientOptions } from 'mongodb';
import { TenantResourceCache } from '../connections/tenant-resource.cache';
import { TenantResourceStore } from '../connections/tenant-resource.store';
import { MongoConnectionInfo, TenantConnectionInfo } from '../resolution/tenant-connection-info';

export interface TenantMongoLimits {
  /** maxPoolSize of each tenant's MongoClient. Default 4. */
  readonly poolSize?: number;
  /** Hard cap on tenant MongoClients alive at once, closing ones included. Default 100. */
  readonly maxClients?: number;
  /**
   * Hard cap on their connections together. Each client counts poolSize plus 2 monitoring
   * connections per server in its URL. Default maxClients × that.
   */
  readonly maxConnections?: number;
  readonly idleTimeoutMs?: number;
  readonly acquireTimeoutMs?: number;
  /**
   * Log in as the tenant's user (default). `false` only for development servers without user
   * management (mongo-java-server), where the platform reports `userManagement=unsupported-by-server`.
   */
  readonly authenticate?: boolean;
  /** Extra driver options (TLS…); pool size, credentials and appName are the SDK's. */
  readonly clientOptions?: MongoClientOptions;
}

/** A tenant's database, for one unit of work: `release()` it when done (idempotent). */
export interface TenantMongoLease {
  readonly db: Db;
  readonly client: MongoClient;
  release(): void;
}

interface TenantMongo {
  readonly client: MongoClient;
  readonly db: Db;
}

/**
 * One MongoClient per tenant, logged in as the tenant's user with its own database as auth source,
 * under the same hard caps, idle eviction, single-flight and drain-on-invalidate as the PostgreSQL
 * pools (TenantResourceCache).
 */
export class TenantMongoClients extends TenantResourceStore<TenantMongo> {
  protected readonly cache: TenantResourceCache<TenantMongo>;

  constructor(
    resolve: (tenantId: string) => Promise<TenantConnectionInfo>,
    limits: TenantMongoLimits,
    appName: string,
  ) {
    super();
    const poolSize = limits.poolSize ?? 4;
    const maxClients = limits.maxClients ?? 100;
    const acquireTimeoutMs = limits.acquireTimeoutMs ?? 5_000;
    this.cache = new TenantResourceCache<TenantMongo>({
      name: 'mongodb',
      maxEntries: maxClients,
      maxWeight: limits.maxConnections ?? maxClients * (poolSize + 2),
      idleTimeoutMs: limits.idleTimeoutMs ?? 60_000,
      acquireTimeoutMs,
      close: ({ client }) => client.close(),
      load: async (tenantId) => {
        const info = (await resolve(tenantId)).mongodb;
        if (!info) throw new Error('this product has no MongoDB endpoint configured');
        return {
          weight: poolSize + 2 * serverCount(info.url),
          create: async () => {
            const client = new MongoClient(info.url, {
              ...limits.clientOptions,
              ...credentials(info, limits.authenticate ?? true),
              maxPoolSize: poolSize,
              minPoolSize: 0,
              appName,
              serverSelectionTimeoutMS: acquireTimeoutMs,
            });
            await client.connect();
            return { client, db: client.db(info.database) };
          },
        };
      },
    });
  }

  async lease(tenantId: string): Promise<TenantMongoLease> {
    const { resource, release } = await this.cache.lease(tenantId);
    return { db: resource.db, client: resource.client, release };
  }
}

function credentials(info: MongoConnectionInfo, authenticate: boolean): MongoClientOptions {
  if (!authenticate) return {};
  return { auth: { username: info.username, password: info.password }, authSource: info.database };
}

/** Servers named in a connection string (an SRV record is assumed to name three). */
function serverCount(url: string): number {
  if (url.startsWith('mongodb+srv://')) return 3;
  const hosts = url.replace(/^mongodb:\/\//, '').split(/[/?]/)[0];
  return Math.max(1, hosts.split(',').length);
}
