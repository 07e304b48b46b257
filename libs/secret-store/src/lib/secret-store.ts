import { SecretRef } from '@enclave/contracts';

// Re-exported so that code working with the port needs one import.
export type { SecretRef };

export type SecretData = Readonly<Record<string, string>>;

export interface StoredSecret {
  readonly ref: SecretRef;
  readonly data: SecretData;
}

/**
 * Where credentials live. Two backends implement it: HashiCorp Vault / OpenBao KV v2 (node-vault)
 * and an embedded store (AES-256-GCM in the platform's PostgreSQL). Paths are
 * `tenants/<tenantId>/<product>/<resource>`; every write is a new version.
 */
export interface SecretStore {
  /** Writes a new version at `path`. */
  put(path: string, data: SecretData): Promise<SecretRef>;
  /**
   * Writes a new version only while `expectedVersion` is the latest live one (0: none), atomically
   * (check-and-set); answers undefined, having written nothing, when another writer moved it first.
   */
  putIfLatest(
    path: string,
    data: SecretData,
    expectedVersion: number,
  ): Promise<SecretRef | undefined>;
  /** A given version, or the latest when `version` is omitted. Throws SecretNotFoundError. */
  get(path: string, version?: number): Promise<StoredSecret>;
  /** The latest version, or undefined when there is none (or it was revoked). */
  find(path: string): Promise<StoredSecret | undefined>;
  /** Destroys every version at `path`; later reads fail. Idempotent. */
  revoke(path: string): Promise<void>;
}

export const SECRET_STORE = Symbol('SECRET_STORE');
