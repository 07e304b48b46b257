import {
  ProductManifest,
  ProductVersionPublishedPayload,
  compareProductVersions,
  productManifestSchema,
} from '@enclave/contracts';
import { quoteIdent } from '@enclave/messaging';
import { createSchemaIfMissing, schemaLockKey } from '@enclave/service-kit';
import { DataSource, EntityManager } from 'typeorm';
import { PermanentStageError } from '../permanent.error';
import { UnknownProductVersionError } from './unknown-product-version.error';

interface VersionRow {
  version: string;
  manifest: unknown;
  checksum: string;
}

/**
 * A stage's own copy of the product catalog, fed by ProductVersionPublished. Published versions
 * never change, so a manifest once read is cached for the life of the process.
 */
export class ProductVersionStore {
  private readonly table: string;
  private readonly cache = new Map<string, ProductManifest>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
  ) {
    this.table = `${quoteIdent(schema)}.product_version`;
  }

  /** Creates the table; replicas starting together serialize on the schema's advisory lock. */
  async ensureTable(): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [schemaLockKey(this.schema)]);
      await createSchemaIfMissing(tx, this.schema);
      await tx.query(`
        CREATE TABLE IF NOT EXISTS ${this.table} (
          product      text NOT NULL,
          version      text NOT NULL,
          manifest     json NOT NULL,
          checksum     text NOT NULL,
          recorded_at  timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (product, version)
        )`);
    });
  }

  /** Keeps a published version; the same one again is a no-op, other content is refused. */
  async record(tx: EntityManager, published: ProductVersionPublishedPayload): Promise<void> {
    const { product, version, manifest, checksum } = published;
    if (manifest.name !== product || manifest.version !== version) {
      throw new PermanentStageError(
        `ProductVersionPublished ${product} ${version} carries the manifest of ${manifest.name} ${manifest.version}`,
      );
    }
    await tx.query(
      `INSERT INTO ${this.table} (product, version, manifest, checksum) VALUES ($1, $2, $3::json, $4)
       ON CONFLICT (product, version) DO NOTHING`,
      [product, version, JSON.stringify(manifest), checksum],
    );
    const [kept] = (await tx.query(
      `SELECT checksum FROM ${this.table} WHERE product = $1 AND version = $2`,
      [product, version],
    )) as { checksum: string }[];
    if (kept.checksum !== checksum) {
      throw new PermanentStageError(
        `${product} ${version} was published with sha256 ${kept.checksum.slice(0, 12)}…; a published version never changes`,
      );
    }
  }

  /**
   * The manifest of `product` at `version`. `null` is an event written before events named the
   * version: every registration then was at its product's first version.
   */
  async manifest(product: string, version: string | null): Promise<ProductManifest> {
    const key = `${product}@${version ?? ''}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const rows = (await this.dataSource.query(
      `SELECT version, manifest, checksum FROM ${this.table} WHERE product = $1`,
      [product],
    )) as VersionRow[];
    const row =
      version === null
        ? rows.sort((a, b) => compareProductVersions(a.version, b.version))[0]
        : rows.find((r) => r.version === version);
    if (!row) throw new UnknownProductVersionError(product, version);
    // json (not jsonb) keeps key order, which a compound index's key needs; the schema gives the
    // manifest its canonical shape.
    const manifest = productManifestSchema.parse(row.manifest);
    this.cache.set(key, manifest);
    return manifest;
  }
}
