import { SecretNotFoundError } from '../errors/secret-not-found.error';
import { SecretData, SecretRef, SecretStore, StoredSecret } from '../secret-store';

/**
 * The SecretStore port in memory, versioned like the vault: for tests of code that uses secrets
 * (stages, products), not of a vault backend. Subclass it to record or fail calls.
 */
export class InMemorySecretStore implements SecretStore {
  /** Every version of every path, oldest first (tests may seed or inspect it). */
  readonly versions = new Map<string, SecretData[]>();

  async put(path: string, data: SecretData): Promise<SecretRef> {
    const versions = [...(this.versions.get(path) ?? []), data];
    this.versions.set(path, versions);
    return { path, version: versions.length };
  }

  async putIfLatest(
    path: string,
    data: SecretData,
    expectedVersion: number,
  ): Promise<SecretRef | undefined> {
    // Checked and written with no await between: concurrent callers cannot interleave.
    if ((this.versions.get(path)?.length ?? 0) !== expectedVersion) return undefined;
    return this.put(path, data);
  }

  async get(path: string, version?: number): Promise<StoredSecret> {
    const versions = this.versions.get(path) ?? [];
    const v = version ?? versions.length;
    const data = versions[v - 1];
    if (!data) throw new SecretNotFoundError(path, version);
    return { ref: { path, version: v }, data };
  }

  async find(path: string): Promise<StoredSecret | undefined> {
    return this.versions.get(path)?.length ? this.get(path) : undefined;
  }

  async revoke(path: string): Promise<void> {
    this.versions.delete(path);
  }
}
