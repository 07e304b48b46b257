import { SecretRef } from '@enclave/contracts';
import { latestOrUndefined } from '../latest-or-undefined';
import type NodeVault from 'node-vault';
import { SecretBackendError } from '../errors/secret-backend.error';
import { SecretNotFoundError } from '../errors/secret-not-found.error';
import { secretInput } from '../secret-input.validation';
import { SecretStoreBackend } from '../secret-store-backend';
import { SecretData, StoredSecret } from '../secret-store';

export interface VaultKvSecretStoreOptions {
  /** Mount of the KV version 2 secrets engine; default `secret`. */
  readonly mount?: string;
}

interface KvReadResponse {
  data?: { data?: Record<string, string> | null; metadata?: { version?: number } };
}

/**
 * HashiCorp Vault / OpenBao KV v2 through node-vault. Every write is a new Vault version; revoke
 * deletes the key's metadata, which destroys every version for good.
 */
export class VaultKvSecretStore implements SecretStoreBackend {
  readonly kind = 'vault' as const;
  readonly mount: string;

  constructor(
    private readonly vault: NodeVault.client,
    options: VaultKvSecretStoreOptions = {},
  ) {
    this.mount = options.mount ?? 'secret';
    if (!/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/.test(this.mount)) {
      throw new Error(`invalid KV mount ${JSON.stringify(this.mount)}`);
    }
  }

  async put(path: string, data: SecretData): Promise<SecretRef> {
    secretInput.write(path, data);
    return this.write(path, data);
  }

  async putIfLatest(
    path: string,
    data: SecretData,
    expectedVersion: number,
  ): Promise<SecretRef | undefined> {
    secretInput.write(path, data, expectedVersion);
    try {
      // KV v2 check-and-set; 0 means "the key does not exist" (revoke deletes it, see above).
      return await this.write(path, data, { cas: expectedVersion });
    } catch (error) {
      if (error instanceof SecretBackendError && CAS_MISMATCH.test(error.message)) return undefined;
      throw error;
    }
  }

  async get(path: string, version?: number): Promise<StoredSecret> {
    secretInput.path(path);
    secretInput.version(version);
    const query = version === undefined ? '' : `?version=${version}`;
    let response: KvReadResponse;
    try {
      response = (await this.vault.read(`${this.mount}/data/${path}${query}`)) as KvReadResponse;
    } catch (error) {
      throw statusOf(error) === 404
        ? new SecretNotFoundError(path, version)
        : backendError('get', path, error);
    }
    // A soft-deleted or destroyed version comes back without data.
    const data = response.data?.data;
    const read = response.data?.metadata?.version;
    if (!data || !Number.isSafeInteger(read)) throw new SecretNotFoundError(path, version);
    return { ref: { path, version: read as number }, data: Object.freeze({ ...data }) };
  }

  find(path: string): Promise<StoredSecret | undefined> {
    return latestOrUndefined(this, path);
  }

  async revoke(path: string): Promise<void> {
    secretInput.path(path);
    try {
      await this.vault.delete(`${this.mount}/metadata/${path}`);
    } catch (error) {
      // Vault answers 204 for a missing key; 404 from a proxy or older server means the same.
      if (statusOf(error) !== 404) throw backendError('revoke', path, error);
    }
  }

  private async write(
    path: string,
    data: SecretData,
    options?: { cas: number },
  ): Promise<SecretRef> {
    const response = (await this.vault
      .write(`${this.mount}/data/${path}`, options ? { data, options } : { data })
      .catch((error: unknown) => {
        throw backendError('put', path, error);
      })) as { data?: { version?: number } };
    const version = response.data?.version;
    if (!Number.isSafeInteger(version)) {
      throw new Error(
        `Vault answered a write to ${this.mount}/data/${path} without a version: is ${this.mount} a KV v2 mount?`,
      );
    }
    return { path, version: version as number };
  }

  /** Token lookup-self: proves the server answers, is unsealed and accepts our token. */
  async ping(): Promise<Record<string, unknown>> {
    await this.vault.tokenLookupSelf().catch((error: unknown) => {
      throw backendError('ping', this.vault.endpoint, error);
    });
    return { backend: this.kind, endpoint: this.vault.endpoint, mount: this.mount };
  }
}

/** Vault's answer (HTTP 400) to a write whose `cas` is not the key's current version. */
const CAS_MISMATCH = /check-and-set parameter did not match/;

function statusOf(error: unknown): number | undefined {
  return (error as { response?: { statusCode?: number } } | null)?.response?.statusCode;
}

function backendError(operation: string, path: string, error: unknown): SecretBackendError {
  const reason = error instanceof Error ? error.message : String(error);
  return new SecretBackendError(operation, path, statusOf(error), reason);
}
