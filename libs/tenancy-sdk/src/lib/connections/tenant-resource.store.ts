import { TenantResourceCache } from './tenant-resource.cache';

/** What every per-tenant store (MongoDB clients, AMQP connections) offers on top of its cache. */
export abstract class TenantResourceStore<R> {
  protected abstract readonly cache: TenantResourceCache<R>;

  invalidate(tenantId: string): void {
    this.cache.invalidate(tenantId);
  }

  close(drainTimeoutMs?: number): Promise<void> {
    return this.cache.close(drainTimeoutMs);
  }

  stats() {
    return this.cache.stats();
  }
}
