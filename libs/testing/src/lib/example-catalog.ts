import { ProductManifest, ProductManifests } from '@enclave/contracts';
import { UnknownProductVersionError, ProductVersionStore } from '@enclave/lifecycle';
import { exampleProducts } from '@enclave/product-catalog';
import { DataSource } from 'typeorm';

/**
 * A stage's catalog for unit specs: the example products (or the given manifests) by name and
 * version, without a database. A version it lacks answers as the real store does.
 */
export function fakeProductCatalog(
  manifests: readonly ProductManifest[] = exampleProducts
    .names()
    .map((n) => exampleProducts.get(n)!),
): ProductVersionStore {
  const manifest = async (product: string, version: string | null) => {
    const found = manifests.find(
      (m) => m.name === product && (version === null || m.version === version),
    );
    if (!found) throw new UnknownProductVersionError(product, version);
    return found;
  };
  return { manifest } as unknown as ProductVersionStore;
}

/**
 * A stage's real catalog in `schema` of a test database, holding the example products as if their
 * ProductVersionPublished had been handled.
 */
export async function exampleCatalogIn(
  dataSource: DataSource,
  schema: string,
): Promise<ProductVersionStore> {
  const store = new ProductVersionStore(dataSource, schema);
  await store.ensureTable();
  for (const name of exampleProducts.names()) {
    const manifest = exampleProducts.get(name)!;
    await store.record(dataSource.manager, {
      product: manifest.name,
      version: manifest.version,
      manifest,
      checksum: ProductManifests.checksum(manifest),
    });
  }
  return store;
}
