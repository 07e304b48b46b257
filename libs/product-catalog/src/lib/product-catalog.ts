import { ProductManifest, productManifestSchema } from '@enclave/contracts';

/** A set of product manifests by name, each validated as the registry validates a published one. */
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
}
