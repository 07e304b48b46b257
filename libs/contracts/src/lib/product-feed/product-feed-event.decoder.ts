import { EventEnvelope } from '../envelope/event-envelope.schema';
import { platformEventCatalog } from '../events/platform-event.catalog';
import { productFeedEventOf } from './product-feed';

/**
 * A product feed carries several event types: each is decoded (and upcast) as on its own platform
 * topic. Throws with the cause for anything else (not JSON, another type, an invalid payload).
 */
export function decodeProductFeedEvent(value: Buffer | null): EventEnvelope {
  let type: unknown;
  try {
    type = (JSON.parse(value?.toString() ?? '') as { type?: unknown }).type;
  } catch (error) {
    throw new Error(`not JSON: ${(error as Error).message}`);
  }
  const definition = typeof type === 'string' ? productFeedEventOf(type) : undefined;
  if (!definition) throw new Error(`not a product lifecycle event: ${String(type)}`);
  return platformEventCatalog.decode(definition.topic, value);
}
