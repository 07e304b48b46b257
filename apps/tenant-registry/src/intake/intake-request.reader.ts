import {
  IntakeRequest,
  intakeRequestSchema,
  productNameSchema,
  tenantIdSchema,
} from '@enclave/contracts';
import { z } from 'zod';
import { IntakeRejection } from './intake-rejection';
import { IntakePublishers } from './intake-publishers';

export type IntakeRead =
  | { readonly ok: true; readonly request: IntakeRequest }
  | { readonly ok: false; readonly rejection: IntakeRejection };

const uuid = z.string().uuid();

/**
 * Reads one message of `publisher`'s requests topic with the admin API's own rules: the size limit of
 * its bodies, JSON, the shared request schemas. It also checks what only intake has: the request
 * names the topic's publisher, and registers only a product that publisher may act for. A rejection
 * carries whatever ids could be read, so the publisher can still be answered.
 */
export function readIntakeRequest(
  value: Buffer | null,
  publisher: string,
  publishers: IntakePublishers,
  maxBytes: number,
): IntakeRead {
  const reject = (reason: string, ids: Omit<IntakeRejection, 'reason'> = {}): IntakeRead => ({
    ok: false,
    rejection: { reason, ...ids },
  });
  if (value === null || value.length === 0) return reject('empty message: not an intake request');
  let json: unknown;
  let malformed: string | undefined;
  try {
    // Read even when too large (the broker bounds its size), only to answer by its request id.
    json = JSON.parse(value.toString('utf8'));
  } catch (error) {
    malformed = `malformed JSON: ${(error as Error).message}`;
  }
  const ids = malformed === undefined ? idsOf(json) : {};
  if (value.length > maxBytes) {
    return reject(`request too large: ${value.length} bytes, at most ${maxBytes}`, ids);
  }
  if (malformed !== undefined) return reject(malformed);
  const parsed = intakeRequestSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    return reject(`invalid request: ${issues}`.slice(0, 2000), ids);
  }
  const request = parsed.data;
  if (request.publisher !== publisher) {
    return reject(
      `publisher '${request.publisher}' does not match the topic's publisher '${publisher}'`,
      ids,
    );
  }
  if (request.kind === 'register-service') {
    const { product } = request.registration;
    if (!publishers.mayActFor(publisher, product)) {
      return reject(`foreign product: publisher ${publisher} may not act for ${product}`, ids);
    }
  }
  return { ok: true, request };
}

/** The ids of a request that failed its schema, each only when valid on its own. */
function idsOf(json: unknown): Omit<IntakeRejection, 'reason'> {
  const o = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
  const nested = (key: string, field: string) =>
    o[key] && typeof o[key] === 'object' ? (o[key] as Record<string, unknown>)[field] : undefined;
  const valid = <T>(schema: z.ZodType<T>, v: unknown): T | undefined => {
    const r = schema.safeParse(v);
    return r.success ? r.data : undefined;
  };
  const requestId = valid(uuid, o['requestId']);
  const tenantId = valid(tenantIdSchema, o['tenantId'] ?? nested('tenant', 'id'));
  const product = valid(productNameSchema, nested('registration', 'product'));
  return {
    ...(requestId ? { requestId } : {}),
    ...(tenantId ? { tenantId } : {}),
    ...(product ? { product } : {}),
  };
}
