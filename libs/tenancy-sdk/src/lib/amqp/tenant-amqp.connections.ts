import { ChannelModel, connect } from 'amqplib';
import { TenantResourceCache } from '../connections/tenant-resource.cache';
import { TenantResourceStore } from '../connections/tenant-resource.store';
import { TenantConnectionInfo } from '../resolution/tenant-connection-info';

export interface TenantAmqpLimits {
  /** Hard cap on tenant AMQP connections (one per tenant vhost). Default 100. */
  readonly maxConnections?: number;
  readonly idleTimeoutMs?: number;
  readonly acquireTimeoutMs?: number;
  /** Heartbeat in seconds. Default 30. */
  readonly heartbeatSec?: number;
}

/** A tenant's AMQP connection (its own vhost), for one unit of work: `release()` it when done. */
export interface TenantAmqpLease {
  readonly connection: ChannelModel;
  release(): void;
}

/**
 * One AMQP connection per tenant, to the tenant's vhost as the tenant's user, under the same hard
 * cap, idle eviction, single-flight and drain-on-invalidate as the PostgreSQL pools. Channels are the
 * caller's: open them per unit of work or keep one per lease. A connection the broker closes (vhost
 * deleted, user revoked, broker restart) is forgotten at once, so the next request reconnects.
 */
export class TenantAmqpConnections extends TenantResourceStore<ChannelModel> {
  protected readonly cache: TenantResourceCache<ChannelModel>;

  constructor(
    resolve: (tenantId: string) => Promise<TenantConnectionInfo>,
    limits: TenantAmqpLimits,
    connectionName: string,
  ) {
    super();
    const maxConnections = limits.maxConnections ?? 100;
    const acquireTimeoutMs = limits.acquireTimeoutMs ?? 5_000;
    this.cache = new TenantResourceCache<ChannelModel>({
      name: 'rabbitmq',
      maxEntries: maxConnections,
      maxWeight: maxConnections,
      idleTimeoutMs: limits.idleTimeoutMs ?? 60_000,
      acquireTimeoutMs,
      close: (connection) => connection.close().catch(() => undefined),
      load: async (tenantId) => {
        const info = (await resolve(tenantId)).rabbitmq;
        if (!info) throw new Error('this product has no RabbitMQ endpoint configured');
        return {
          weight: 1,
          create: async () => {
            const connection = await connect(
              {
                protocol: info.protocol,
                hostname: info.host,
                port: info.port,
                username: info.username,
                password: info.password,
                vhost: info.vhost,
                heartbeat: limits.heartbeatSec ?? 30,
              },
              { timeout: acquireTimeoutMs, clientProperties: { connection_name: connectionName } },
            );
            // Closed by the broker: stop handing it out (an `error` is always followed by `close`).
            connection.on('error', () => undefined);
            connection.once('close', () => this.cache.discard(tenantId, connection));
            return connection;
          },
        };
      },
    });
  }

  async lease(tenantId: string): Promise<TenantAmqpLease> {
    const { resource, release } = await this.cache.lease(tenantId);
    return { connection: resource, release };
  }
}
