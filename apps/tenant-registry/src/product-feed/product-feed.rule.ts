import { EventEnvelope, productFeedEventOf } from '@enclave/contracts';

/**
 * Which products' feeds one lifecycle event goes to. An event about one registration (it names its
 * `product`) goes to that product's feed only. A tenant-wide event (TenantStatusChanged names no
 * product) goes to the feed of every product the tenant has a registration with, as the registry
 * records them when the event is relayed; a product the tenant never registered learns nothing of it.
 * Any other event is for no product.
 */
export async function feedProductsOf(
  envelope: Pick<EventEnvelope, 'type' | 'tenantId' | 'payload'>,
  registeredProducts: (tenantId: string) => Promise<readonly string[]>,
): Promise<string[]> {
  if (!productFeedEventOf(envelope.type)) return [];
  const product = (envelope.payload as { product?: unknown }).product;
  if (typeof product === 'string') return [product];
  return [...new Set(await registeredProducts(envelope.tenantId))].sort();
}
