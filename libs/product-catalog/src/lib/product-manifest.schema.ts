import { isolationModeSchema, productNameSchema } from '@enclave/contracts';
import { z } from 'zod';

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

export const productManifestSchema = z
  .object({
    name: productNameSchema,
    version: z.string().regex(/^\d+\.\d+\.\d+$/),
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
            limits: z
              .object({
                maxConnections: z.number().int().positive(),
                maxQueues: z.number().int().positive(),
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
  });

export type ProductManifest = z.output<typeof productManifestSchema>;
