import { z } from 'zod';

/**
 * A registration's own resource limits, replacing the defaults (the PostgreSQL provisioner's role
 * connection limit, no statement timeout; the product manifest's RabbitMQ limits). Each field left
 * out keeps its default. The bounds keep one tenant from being given the whole server.
 */
export const registrationLimitsSchema = z
  .object({
    postgres: z
      .object({
        connectionLimit: z
          .number()
          .int()
          .min(1)
          .max(1000)
          .optional()
          .describe("The tenant role's CONNECTION LIMIT (default: the provisioner's, 50)."),
        statementTimeoutMs: z
          .number()
          .int()
          .min(100)
          .max(3_600_000)
          .optional()
          .describe("The tenant role's statement_timeout in milliseconds (default: none)."),
      })
      .strict()
      .optional(),
    rabbitmq: z
      .object({
        maxConnections: z
          .number()
          .int()
          .min(1)
          .max(10_000)
          .optional()
          .describe("The vhost's max-connections (default: the product manifest's)."),
        maxQueues: z
          .number()
          .int()
          .min(1)
          .max(100_000)
          .optional()
          .describe("The vhost's max-queues (default: the product manifest's)."),
      })
      .strict()
      .optional(),
  })
  .strict();

export type RegistrationLimits = z.infer<typeof registrationLimitsSchema>;
