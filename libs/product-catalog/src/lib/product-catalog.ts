import { ResourceKind } from '@enclave/contracts';
import { ProductManifest, productManifestSchema } from './product-manifest.schema';
import { ledgerProduct } from './products/ledger/ledger.product';
import { tracerProduct } from './products/tracer/tracer.product';

/**
 * The products the platform can onboard tenants to, each with the manifest every stage reads:
 * required resources, migrations, Mongo collections and indexes, RabbitMQ topology and limits.
 * Manifests are validated when the catalog loads, so a broken one stops every service at start-up.
 */
export class ProductCatalog {
  private readonly products = new Map<string, ProductManifest>();

  constructor(manifests: readonly unknown[]) {
    for (const raw of manifests) {
      const manifest = productManifestSchema.parse(raw);
      if (this.products.has(manifest.name))
        throw new Error(`product ${manifest.name} declared twice`);
      this.products.set(manifest.name, manifest);
    }
  }

  get(name: string): ProductManifest | undefined {
    return this.products.get(name);
  }

  names(): string[] {
    return [...this.products.keys()];
  }

  static resourcesOf(manifest: ProductManifest): ResourceKind[] {
    return (['postgres', 'mongodb', 'rabbitmq'] as const).filter(
      (r) => manifest.resources[r] !== undefined,
    );
  }

  static schemaVersionOf(manifest: ProductManifest): number {
    return manifest.resources.postgres?.migrations.at(-1)?.version ?? 0;
  }
}

export const productCatalog = new ProductCatalog([ledgerProduct, tracerProduct]);
