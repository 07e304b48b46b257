import type { EventDefinition, EventEnvelope, EventOf, PayloadOf } from '@enclave/contracts';
import { randomUUID } from 'node:crypto';

/**
 * An event of `def` around `payload`, as a handler receives it: fresh ids, the current version, no
 * cause. The payload is not validated, so a spec can hand a handler what a decoder never would.
 */
export function envelopeOf<D extends EventDefinition>(
  def: D,
  payload: PayloadOf<D>,
  overrides: Partial<Omit<EventEnvelope, 'payload'>> = {},
): EventOf<D> {
  const { tenantId } = payload as { tenantId?: unknown };
  return {
    id: randomUUID(),
    type: def.type,
    version: def.version,
    tenantId: typeof tenantId === 'string' ? tenantId : 'acme',
    correlationId: randomUUID(),
    causationId: null,
    occurredAt: new Date().toISOString(),
    producer: 'test',
    ...overrides,
    payload,
  };
}
