import { IsolationMode } from './isolation-mode.schema';
import { ProductName } from './product-name.schema';
import { ResourceKind } from './resource-kind.schema';
import { TenantId } from './tenant-id.schema';

export interface TenantResourceNames {
  /** Login role owning the tenant's database or schema (per isolation mode, never shared). */
  readonly pgRole: string;
  /** DATABASE mode: the tenant's own database; SCHEMA mode: the product's shared database. */
  readonly pgDatabase: string;
  /** DATABASE mode: `public` of its own database; SCHEMA mode: the tenant's schema. */
  readonly pgSchema: string;
  readonly mongoDatabase: string;
  readonly mongoUser: string;
  /** The tenant's own vhost (`VHOST` RabbitMQ isolation). */
  readonly vhost: string;
  /** The product's vhost shared by its tenants (`SHARED_VHOST` RabbitMQ isolation). */
  readonly sharedVhost: string;
  /** In the shared vhost, every exchange and queue of the tenant starts with this. */
  readonly rabbitPrefix: string;
  /** The tenant's RabbitMQ user, whatever the isolation level. */
  readonly rabbitUser: string;
  secretPath(resource: ResourceKind): string;
}

/**
 * Every name derived for a (tenant, product, mode), in one place. Inputs are validated identifiers
 * (tenant ≤ 32, product ≤ 20 chars of [a-z0-9-], no doubled dash), so results fit PostgreSQL's 63-byte limit and need
 * no escaping beyond ordinary quoting, which callers still apply.
 */
export function tenantResourceNames(
  tenantId: TenantId,
  product: ProductName,
  mode: IsolationMode,
): TenantResourceNames {
  const t = tenantId.replace(/-/g, '_');
  const p = product.replace(/-/g, '_');
  // `__` cannot occur inside t or p (no doubled dashes), so (tenant, product) pairs never collide.
  const base = `t_${t}__${p}`;
  const names = {
    pgRole: `${base}_${mode === 'DATABASE' ? 'd' : 's'}`,
    pgDatabase: mode === 'DATABASE' ? base : `p_${p}`,
    pgSchema: mode === 'DATABASE' ? 'public' : `t_${t}`,
    mongoDatabase: base,
    mongoUser: base,
    vhost: base,
    sharedVhost: `p_${p}`,
    rabbitPrefix: rabbitTenantPrefix(tenantId),
    rabbitUser: base,
    secretPath: (resource: ResourceKind) => `tenants/${tenantId}/${product}/${resource}`,
  };
  for (const name of [names.pgRole, names.pgDatabase, names.pgSchema]) {
    if (Buffer.byteLength(name) > 63) throw new Error(`derived name ${name} exceeds 63 bytes`);
  }
  return names;
}

/**
 * A tenant's prefix in a product's shared vhost: `t.<tenant>.` (`t.` so that no tenant's names can
 * start with the server's reserved `amq.`; the closing dot so that `acme`'s prefix is no prefix of
 * `acme2`'s names).
 */
export function rabbitTenantPrefix(tenantId: TenantId): string {
  return `t.${tenantId}.`;
}
