import { createHash } from 'node:crypto';
import type { ResourceKind } from '../identifiers/resource-kind.schema';
import type { Migration, ProductManifest } from './product-manifest.schema';

/** What a manifest says, read the same way by the registry and every stage. */
export const ProductManifests = {
  /** The resources every tenant of this version gets, in stage order. */
  resourcesOf(manifest: ProductManifest): ResourceKind[] {
    return (['postgres', 'mongodb', 'rabbitmq'] as const).filter(
      (r) => manifest.resources[r] !== undefined,
    );
  },

  /** The schema version a tenant at this product version has: its last migration's. */
  schemaVersionOf(manifest: ProductManifest): number {
    return manifest.resources.postgres?.migrations.at(-1)?.version ?? 0;
  },

  /** A migration's checksum: what a tenant recorded when it applied it, and must never change. */
  migrationChecksum(migration: Migration): string {
    return createHash('sha256').update(migration.sql).digest('hex');
  },

  /** The whole manifest's checksum, over its validated form (schema key order). */
  checksum(manifest: ProductManifest): string {
    return createHash('sha256').update(JSON.stringify(manifest)).digest('hex');
  },
};
