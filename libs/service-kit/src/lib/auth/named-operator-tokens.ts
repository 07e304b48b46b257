import type { EventActor } from '@enclave/contracts';

/**
 * Where an app keeps its named operator tokens (the registry: a table of hashed tokens). An app
 * that provides none accepts the configured bootstrap token only.
 */
export abstract class NamedOperatorTokens {
  /** The operator a presented token names, or null when it is unknown, revoked or expired. */
  abstract actorFor(token: string): Promise<EventActor | null>;
}
