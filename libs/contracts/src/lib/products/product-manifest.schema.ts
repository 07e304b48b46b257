import { z } from 'zod';
import { isolationModeSchema } from '../identifiers/isolation-mode.schema';
import { productNameSchema } from '../identifiers/product-name.schema';
import { rabbitMqIsolationSchema } from '../identifiers/rabbitmq-isolation.schema';
import { productVersionSchema } from './product-version.schema';

const name = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,62}$/, 'names: letters, digits, _ . -, ≤ 63');

export const migrationSchema = z
  .object({
    /** Strictly increasing; the tenant's schema version is the last applied one. */
    version: z.number().int().positive(),
    name: z.string().regex(/^[a-z0-9-]{1,60}$/),
    /** Plain SQL run as the tenant's own role, with search_path set to the tenant's schema. */
    sql: z.string().min(1),
  })
  .strict();

export type Migration = z.infer<typeof migrationSchema>;

/**
 * What a product publishes for one of its versions: the resources every tenant of it gets, its
 * PostgreSQL migrations, MongoDB collections and indexes, RabbitMQ limits and topology.
 */
export const productManifestSchema = z
  .object({
    name: productNameSchema,
    version: productVersionSchema,
    defaultIsolationMode: isolationModeSchema,
    resources: z
      .object({
        postgres: z.object({ migrations: z.array(migrationSchema).min(1) }).strict(),
        mongodb: z
          .object({
            collections: z.array(
              z
                .object({
                  name,
                  indexes: z
                    .array(
                      z
                        .object({
                          name,
                          key: z.record(z.union([z.literal(1), z.literal(-1)])),
                          unique: z.boolean().default(false),
                        })
                        .strict(),
                    )
                    .default([]),
                })
                .strict(),
            ),
          })
          .strict(),
        rabbitmq: z
          .object({
            /** A vhost per tenant, or one per product shared by its tenants under their prefixes. */
            isolation: rabbitMqIsolationSchema.default('VHOST'),
            limits: z
              .object({
                /** Per tenant: its vhost's limit, or in a shared vhost its user's. */
                maxConnections: z.number().int().positive(),
                /** Its vhost's limit; in a shared vhost RabbitMQ 3.10 has no per-user queue limit. */
                maxQueues: z.number().int().positive(),
                /** Per tenant user, in a shared vhost only (RabbitMQ user limit max-channels). */
                maxChannels: z.number().int().positive().optional(),
              })
              .strict(),
            exchanges: z.array(
              z.object({ name, type: z.enum(['direct', 'topic', 'fanout', 'headers']) }).strict(),
            ),
            queues: z.array(z.object({ name, deadLetterExchange: name.optional() }).strict()),
            bindings: z.array(
              z.object({ exchange: name, queue: name, routingKey: z.string().max(255) }).strict(),
            ),
          })
          .strict(),
      })
      .partial()
      .strict()
      .refine((r) => Object.keys(r).length > 0, 'a product needs at least one resource'),
  })
  .strict()
  .superRefine((m, ctx) => {
    const versions = m.resources.postgres?.migrations.map((x) => x.version) ?? [];
    if (versions.some((v, i) => i > 0 && v <= versions[i - 1])) {
      ctx.addIssue({ code: 'custom', message: 'migration versions must strictly increase' });
    }
    const rabbitmq = m.resources.rabbitmq;
    if (rabbitmq) {
      const exchanges = new Set(rabbitmq.exchanges.map((e) => e.name));
      const queues = new Set(rabbitmq.queues.map((q) => q.name));
      for (const b of rabbitmq.bindings) {
        if (!exchanges.has(b.exchange) || !queues.has(b.queue)) {
          ctx.addIssue({
            code: 'custom',
            message: `binding ${b.exchange} → ${b.queue} names an exchange or queue the manifest does not declare`,
          });
        }
      }
      for (const q of rabbitmq.queues) {
        if (q.deadLetterExchange && !exchanges.has(q.deadLetterExchange)) {
          ctx.addIssue({
            code: 'custom',
            message: `queue ${q.name} dead-letters to undeclared exchange ${q.deadLetterExchange}`,
          });
        }
      }
    }
  });

export type ProductManifest = z.output<typeof productManifestSchema>;
