import { SecretRef } from '@enclave/contracts';
import { createSchemaIfMissing } from '@enclave/service-kit';
import { latestOrUndefined } from '../latest-or-undefined';
import { DataSource, EntityManager } from 'typeorm';
import { SecretDecryptionError } from '../errors/secret-decryption.error';
import { SecretNotFoundError } from '../errors/secret-not-found.error';
import { secretInput } from '../secret-input.validation';
import { SecretStoreBackend } from '../secret-store-backend';
import { SecretData, StoredSecret } from '../secret-store';
import { EncryptionKeyRing } from './encryption-key-ring';

export interface EmbeddedSecretStoreOptions {
  /** PostgreSQL schema of the secrets table; default `enclave_vault`. */
  readonly schema?: string;
}

interface VersionRow {
  path: string;
  version: number;
  ciphertext: Buffer;
  iv: Buffer;
  auth_tag: Buffer;
  key_id: string;
}

const SELECT_COLUMNS = 'path, version, ciphertext, iv, auth_tag, key_id';

/**
 * Secrets in the platform's own PostgreSQL, AES-256-GCM encrypted with keys from configuration.
 * Each version is its own row sealed under a fresh IV with path and version as associated data,
 * so a ciphertext copied to another row does not decrypt. Revocation wipes the ciphertext of
 * every version and keeps tombstones (who had what, and when it was revoked).
 */
export class EmbeddedSecretStore implements SecretStoreBackend {
  readonly kind = 'embedded' as const;
  readonly schema: string;
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: EncryptionKeyRing,
    options: EmbeddedSecretStoreOptions = {},
  ) {
    this.schema = options.schema ?? 'enclave_vault';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(this.schema)) {
      throw new Error(`refusing unsafe schema name ${JSON.stringify(this.schema)}`);
    }
    this.table = `"${this.schema}".secret_version`;
  }

  /** Creates the schema and table if missing; safe for replicas starting at the same moment. */
  async ensureSchema(): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      // CREATE … IF NOT EXISTS still races on the catalog; the lock serialises the replicas.
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
        `enclave.schema.${this.schema}`,
      ]);
      await createSchemaIfMissing(tx, this.schema);
      await tx.query(`
        CREATE TABLE IF NOT EXISTS ${this.table} (
          path        text        NOT NULL,
          version     integer     NOT NULL CHECK (version > 0),
          ciphertext  bytea,
          iv          bytea,
          auth_tag    bytea,
          key_id      text        NOT NULL,
          created_at  timestamptz NOT NULL DEFAULT now(),
          revoked_at  timestamptz,
          PRIMARY KEY (path, version),
          -- a live version is complete; a revoked one keeps no ciphertext to recover
          CONSTRAINT secret_version_sealed CHECK (
            CASE WHEN revoked_at IS NULL
              THEN ciphertext IS NOT NULL AND iv IS NOT NULL AND auth_tag IS NOT NULL
              ELSE ciphertext IS NULL AND iv IS NULL AND auth_tag IS NULL
            END)
        )`);
    });
  }

  async put(path: string, data: SecretData): Promise<SecretRef> {
    secretInput.write(path, data);
    return this.dataSource.transaction(async (tx) => {
      // One writer per path at a time, so max(version) + 1 is never handed out twice.
      await this.lockPath(tx, path);
      return this.appendVersion(tx, path, data);
    });
  }

  async putIfLatest(
    path: string,
    data: SecretData,
    expectedVersion: number,
  ): Promise<SecretRef | undefined> {
    secretInput.write(path, data, expectedVersion);
    return this.dataSource.transaction(async (tx) => {
      await this.lockPath(tx, path);
      const [{ latest }] = await tx.query(
        `SELECT coalesce(max(version), 0) AS latest FROM ${this.table}
         WHERE path = $1 AND revoked_at IS NULL`,
        [path],
      );
      if (Number(latest) !== expectedVersion) return undefined;
      return this.appendVersion(tx, path, data);
    });
  }

  async get(path: string, version?: number): Promise<StoredSecret> {
    secretInput.path(path);
    secretInput.version(version);
    const rows: VersionRow[] =
      version === undefined
        ? await this.dataSource.query(
            `SELECT ${SELECT_COLUMNS} FROM ${this.table}
             WHERE path = $1 AND revoked_at IS NULL ORDER BY version DESC LIMIT 1`,
            [path],
          )
        : await this.dataSource.query(
            `SELECT ${SELECT_COLUMNS} FROM ${this.table}
             WHERE path = $1 AND version = $2 AND revoked_at IS NULL`,
            [path, version],
          );
    if (rows.length === 0) throw new SecretNotFoundError(path, version);
    const row = rows[0];
    return { ref: { path, version: row.version }, data: this.decrypt(row) };
  }

  find(path: string): Promise<StoredSecret | undefined> {
    return latestOrUndefined(this, path);
  }

  async revoke(path: string): Promise<void> {
    secretInput.path(path);
    await this.dataSource.transaction(async (tx) => {
      // Waits for an in-flight put on the path, so no version written just before slips through.
      await this.lockPath(tx, path);
      await tx.query(
        `UPDATE ${this.table} SET revoked_at = now(), ciphertext = NULL, iv = NULL, auth_tag = NULL
         WHERE path = $1 AND revoked_at IS NULL`,
        [path],
      );
    });
  }

  /**
   * Re-encrypts every live version sealed under an older key with the active key (key rotation's
   * last step); afterwards the old keys can leave SECRETS_ENCRYPTION_OLD_KEYS. Returns how many
   * versions it re-encrypted. Safe to re-run and to run beside live traffic.
   */
  async reencryptWithActiveKey(batchSize = 100): Promise<number> {
    let total = 0;
    for (;;) {
      const done = await this.dataSource.transaction(async (tx) => {
        const rows: VersionRow[] = await tx.query(
          `SELECT ${SELECT_COLUMNS} FROM ${this.table}
           WHERE revoked_at IS NULL AND key_id <> $1
           ORDER BY path, version LIMIT $2 FOR UPDATE`,
          [this.keys.activeKeyId, batchSize],
        );
        for (const row of rows) {
          const box = this.keys.seal(this.decryptRaw(row), associatedData(row.path, row.version));
          await tx.query(
            `UPDATE ${this.table} SET ciphertext = $3, iv = $4, auth_tag = $5, key_id = $6
             WHERE path = $1 AND version = $2`,
            [row.path, row.version, box.ciphertext, box.iv, box.authTag, box.keyId],
          );
        }
        return rows.length;
      });
      total += done;
      if (done < batchSize) return total;
    }
  }

  async ping(): Promise<Record<string, unknown>> {
    await this.dataSource.query(`SELECT 1 FROM ${this.table} LIMIT 1`);
    return { backend: this.kind, schema: this.schema };
  }

  /** Seals `data` as the path's next version; the caller holds the path's lock. */
  private async appendVersion(
    tx: EntityManager,
    path: string,
    data: SecretData,
  ): Promise<SecretRef> {
    const [{ next }] = await tx.query(
      `SELECT coalesce(max(version), 0) + 1 AS next FROM ${this.table} WHERE path = $1`,
      [path],
    );
    const version = Number(next);
    const plaintext = Buffer.from(JSON.stringify(data), 'utf8');
    const box = this.keys.seal(plaintext, associatedData(path, version));
    await tx.query(
      `INSERT INTO ${this.table} (path, version, ciphertext, iv, auth_tag, key_id)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [path, version, box.ciphertext, box.iv, box.authTag, box.keyId],
    );
    return { path, version };
  }

  private async lockPath(tx: EntityManager, path: string): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `enclave.secret.${path}`,
    ]);
  }

  private decrypt(row: VersionRow): SecretData {
    return Object.freeze(
      JSON.parse(this.decryptRaw(row).toString('utf8')) as Record<string, string>,
    );
  }

  private decryptRaw(row: VersionRow): Buffer {
    if (!this.keys.has(row.key_id)) {
      throw new SecretDecryptionError(
        row.path,
        row.version,
        row.key_id,
        `that key is not configured (configured: ${this.keys.keyIds.join(', ')}); ` +
          'list it in SECRETS_ENCRYPTION_OLD_KEYS',
      );
    }
    try {
      const box = {
        keyId: row.key_id,
        iv: row.iv,
        ciphertext: row.ciphertext,
        authTag: row.auth_tag,
      };
      return this.keys.open(box, associatedData(row.path, row.version));
    } catch {
      throw new SecretDecryptionError(
        row.path,
        row.version,
        row.key_id,
        'authentication failed: the key is wrong, or the row was altered or copied from another path or version',
      );
    }
  }
}

/** Binds a ciphertext to its row: the same bytes under another path or version fail to verify. */
function associatedData(path: string, version: number): Buffer {
  return Buffer.from(`enclave-secret-store/v1\n${path}\n${version}`, 'utf8');
}
