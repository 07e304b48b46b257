import {
  TenantConnection,
  productNameSchema,
  tenantConnectionSchema,
  tenantIdSchema,
} from '@enclave/contracts';
import { TenancyUnavailableError } from '../errors/tenancy-unavailable.error';
import { TenantNotReadyError } from '../errors/tenant-not-ready.error';
import { TenantSuspendedError } from '../errors/tenant-suspended.error';
import { UnknownTenantError } from '../errors/unknown-tenant.error';
import { TenantConnectionInfo } from './tenant-connection-info';
import { TenantEndpoints } from './tenant-endpoints';
import { TenantResolver } from './tenant.resolver';

export interface PlatformTenantResolverOptions {
  /** Base URL of the platform's tenant-registry, e.g. `https://enclave.internal:7100`. */
  readonly url: string;
  /** This product's API token (`POST /v1/products/<product>/tokens`, an operator call). */
  readonly token: string;
  /** Which stores the product uses, and where it reaches them. */
  readonly endpoints: TenantEndpoints;
  /** Per call. Default 3 s. */
  readonly timeoutMs?: number;
  /** A replacement for the global fetch (tests, proxies). */
  readonly fetch?: typeof fetch;
}

/**
 * Resolves a tenant through the platform: one authenticated call to the registry's product endpoint,
 * which answers this product's registration of that one tenant, with its credentials only when the
 * tenant may be served. The product holds no vault access and never sees another tenant's secrets.
 */
export class PlatformTenantResolver implements TenantResolver {
  private readonly base: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: PlatformTenantResolverOptions) {
    const { postgres, mongodb, rabbitmq } = options.endpoints;
    if (!postgres && !mongodb && !rabbitmq) {
      throw new Error(
        'PlatformTenantResolver needs at least one endpoint (postgres, mongodb, rabbitmq)',
      );
    }
    this.base = options.url.replace(/\/+$/, '');
    this.fetch = options.fetch ?? fetch;
  }

  async resolve(tenantId: string, product: string): Promise<TenantConnectionInfo> {
    if (
      !tenantIdSchema.safeParse(tenantId).success ||
      !productNameSchema.safeParse(product).success
    ) {
      throw new UnknownTenantError(String(tenantId).slice(0, 40), String(product).slice(0, 40));
    }
    const body = await this.call(tenantId, product);
    if (body.tenantId !== tenantId || body.product !== product) {
      throw this.unavailable(tenantId, 'answered for another tenant or product');
    }
    if (body.state === 'suspended') throw new TenantSuspendedError(tenantId, product);
    if (body.state !== 'ready') throw new TenantNotReadyError(tenantId, product, body.state);

    const { postgres, mongodb, rabbitmq } = this.options.endpoints;
    const missing = (store: string) =>
      new TenantNotReadyError(tenantId, product, `${store} credentials missing`);
    if (postgres && !body.postgres) throw missing('postgres');
    if (mongodb && !body.mongodb) throw missing('mongodb');
    if (rabbitmq && !body.rabbitmq) throw missing('rabbitmq');
    return {
      tenantId,
      product,
      isolationMode: body.isolationMode,
      state: 'ready',
      postgres: postgres && body.postgres && { ...postgres, ...body.postgres },
      mongodb: mongodb && body.mongodb && { url: mongodb.url, ...body.mongodb },
      rabbitmq: rabbitmq &&
        body.rabbitmq && {
          protocol: rabbitmq.protocol ?? 'amqp',
          host: rabbitmq.host,
          port: rabbitmq.port,
          ...body.rabbitmq,
        },
    };
  }

  private async call(tenantId: string, product: string): Promise<TenantConnection> {
    const url = `${this.base}/v1/products/${product}/tenants/${tenantId}/connection`;
    let response: Response;
    try {
      response = await this.fetch(url, {
        headers: { authorization: `Bearer ${this.options.token}`, accept: 'application/json' },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 3_000),
      });
    } catch (error) {
      throw this.unavailable(tenantId, `unreachable (${(error as Error).name})`);
    }
    if (response.status === 404) {
      await response.body?.cancel();
      throw new UnknownTenantError(tenantId, product);
    }
    if (!response.ok) {
      await response.body?.cancel();
      // 401/403 mean this product's token is wrong: an operator problem, never the caller's.
      throw this.unavailable(tenantId, `answered HTTP ${response.status}`);
    }
    const parsed = tenantConnectionSchema.safeParse(await response.json().catch(() => null));
    if (!parsed.success) throw this.unavailable(tenantId, 'answered an unexpected body');
    return parsed.data;
  }

  private unavailable(tenantId: string, what: string): TenancyUnavailableError {
    return new TenancyUnavailableError(
      'directory-unavailable',
      `the platform's tenant directory ${what}`,
      tenantId,
    );
  }
}
