import { z } from 'zod';

/**
 * How a product's tenants are kept apart on RabbitMQ. `VHOST`: a vhost per tenant (the default).
 * `SHARED_VHOST`: one vhost per product, in which each tenant has its own user, its exchanges and
 * queues under its prefix (`rabbitTenantPrefix`), permissions matching that prefix only, and
 * per-user connection and channel limits.
 */
export const rabbitMqIsolationSchema = z.enum(['VHOST', 'SHARED_VHOST']);

export type RabbitMqIsolation = z.infer<typeof rabbitMqIsolationSchema>;
