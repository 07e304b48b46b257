import { exampleProducts } from './example-products';

export interface PublishedExample {
  readonly product: string;
  readonly version: string;
  /** 201 published now, 200 already published with the same content. */
  readonly status: number;
}

/**
 * Publishes the example products through the registry's admin API, as a product team would. Safe to
 * repeat: a version already published with the same content answers 200.
 */
export async function publishExampleProducts(
  registryBase: string,
  adminToken: string,
): Promise<PublishedExample[]> {
  const published: PublishedExample[] = [];
  for (const name of exampleProducts.names()) {
    const manifest = exampleProducts.get(name)!;
    const response = await fetch(
      `${registryBase}/v1/products/${manifest.name}/versions/${manifest.version}`,
      {
        method: 'PUT',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(manifest),
      },
    );
    if (response.status !== 200 && response.status !== 201) {
      throw new Error(
        `publishing ${manifest.name} ${manifest.version}: HTTP ${response.status} ${await response.text()}`,
      );
    }
    published.push({ product: manifest.name, version: manifest.version, status: response.status });
  }
  return published;
}
