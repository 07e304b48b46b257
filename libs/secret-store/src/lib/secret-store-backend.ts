import { SecretStore } from './secret-store';

/**
 * What the Nest module holds behind SECRET_STORE: a SecretStore that also answers a cheap
 * liveness call, so the readiness probe can check the backend without widening the port.
 */
export interface SecretStoreBackend extends SecretStore {
  readonly kind: 'embedded' | 'vault';
  /** A cheap round trip to the backend; throws when it cannot serve reads and writes. */
  ping(): Promise<Record<string, unknown>>;
}

export const SECRET_STORE_BACKEND = Symbol('SECRET_STORE_BACKEND');
