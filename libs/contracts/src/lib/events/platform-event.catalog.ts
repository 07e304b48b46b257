import { EventCatalog } from '../catalog/event-catalog';
import { ServiceRegistered } from './service-registered.event';
import { TenantCreated } from './tenant-created.event';

/** The typed event map of the platform: topic → event definition (versions, schema, key). */
export const PlatformEvents = {
  TenantCreated,
  ServiceRegistered,
} as const;

export const platformEventCatalog = new EventCatalog(Object.values(PlatformEvents));
