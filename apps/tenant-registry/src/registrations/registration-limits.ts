import type { RegistrationLimits } from '@enclave/contracts';

/**
 * Limits as the registry keeps them: fields in a fixed order, empty sections dropped, and null for
 * none at all (the defaults), so two requests asking for the same limits compare equal.
 */
export function canonicalLimits(
  limits: RegistrationLimits | null | undefined,
): RegistrationLimits | null {
  const postgres = definedOnly({
    connectionLimit: limits?.postgres?.connectionLimit,
    statementTimeoutMs: limits?.postgres?.statementTimeoutMs,
  });
  const rabbitmq = definedOnly({
    maxConnections: limits?.rabbitmq?.maxConnections,
    maxQueues: limits?.rabbitmq?.maxQueues,
  });
  const canonical: RegistrationLimits = {
    ...(postgres && { postgres }),
    ...(rabbitmq && { rabbitmq }),
  };
  return Object.keys(canonical).length > 0 ? canonical : null;
}

/** Whether two limits (as requested or as kept) ask for the same thing. */
export function sameLimits(
  a: RegistrationLimits | null | undefined,
  b: RegistrationLimits | null | undefined,
): boolean {
  return JSON.stringify(canonicalLimits(a)) === JSON.stringify(canonicalLimits(b));
}

function definedOnly<T extends Record<string, number | undefined>>(fields: T): T | undefined {
  const defined = Object.entries(fields).filter(([, value]) => value !== undefined);
  return defined.length > 0 ? (Object.fromEntries(defined) as T) : undefined;
}
