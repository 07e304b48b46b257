import { EventDefinition } from '../catalog/event-definition';
import { CredentialsRotated } from '../events/credentials-rotated.event';
import { ServiceDeprovisionRequested } from '../events/service-deprovision-requested.event';
import { ServiceDeprovisioned } from '../events/service-deprovisioned.event';
import { ServiceFailed } from '../events/service-failed.event';
import { ServiceReady } from '../events/service-ready.event';
import { TenantStatusChanged } from '../events/tenant-status-changed.event';
import { productNameSchema } from '../identifiers/product-name.schema';

/**
 * The lifecycle events a product can react to. The tenant-registry republishes each onto the feed
 * of every product it concerns, byte for byte (same envelope id, key and headers), so a product's
 * Kafka principal reads only its own feed, never another product's events.
 */
export const productFeedEvents = [
  ServiceReady,
  ServiceFailed,
  CredentialsRotated,
  TenantStatusChanged,
  ServiceDeprovisionRequested,
  ServiceDeprovisioned,
] as const;

/** What every product feed's name starts with (an ACL on every feed is a prefixed one on it). */
export const PRODUCT_FEED_TOPIC_PREFIX = 'enclave.products.';

/** One product's lifecycle feed: `enclave.products.<product>.lifecycle`, named like the intake topics. */
export const productFeedTopic = (product: string): string =>
  `${PRODUCT_FEED_TOPIC_PREFIX}${productNameSchema.parse(product)}.lifecycle`;

/** The definition of a feed event by its envelope `type`, or undefined for any other type. */
export function productFeedEventOf(type: string): EventDefinition | undefined {
  return (productFeedEvents as readonly EventDefinition[]).find((e) => e.type === type);
}
