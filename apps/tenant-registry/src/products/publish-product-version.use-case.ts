import {
  ALL_TENANTS,
  ProductManifest,
  ProductManifests,
  ProductVersionPublished,
  compareProductVersions,
  productManifestSchema,
} from '@enclave/contracts';
import { OutboxWriter } from '@enclave/messaging';
import { ConflictException, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ProductFeedRelay } from '../product-feed/product-feed.relay';
import { ProductVersionEntity } from './product-version.entity';
import { ProductEntity } from './product.entity';
import { versionSuccessionProblem } from './version-succession';

export interface PublishProductVersionResult {
  readonly created: boolean;
  readonly version: ProductVersionEntity;
}

/**
 * Publishes a version of a product's manifest: the version and its ProductVersionPublished commit
 * together. The same content again is a no-op; other content under a published version, a version
 * that does not move forward, or one that edits what tenants applied is a conflict. A product's
 * first version becomes its current one (what new registrations get).
 */
@Injectable()
export class PublishProductVersionUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly feeds: ProductFeedRelay,
  ) {}

  async execute(
    manifest: ProductManifest,
    correlationId?: string,
  ): Promise<PublishProductVersionResult> {
    const checksum = ProductManifests.checksum(manifest);
    const { name: product, version } = manifest;
    const result = await this.dataSource.transaction(async (tx) => {
      // One publisher at a time per product: versions are compared with the latest one.
      await tx.query(
        `INSERT INTO tenant_registry.product (name, current_version) VALUES ($1, $2)
         ON CONFLICT (name) DO NOTHING`,
        [product, version],
      );
      await tx.findOne(ProductEntity, {
        where: { name: product },
        lock: { mode: 'pessimistic_write' },
      });
      const versions = await tx.find(ProductVersionEntity, { where: { product } });
      const existing = versions.find((v) => v.version === version);
      if (existing) {
        if (existing.checksum === checksum) return { created: false, version: existing };
        throw new ConflictException(
          `${product} ${version} is already published with other content (sha256 ${existing.checksum.slice(0, 12)}…); published versions never change: publish a new version`,
        );
      }
      const latest = versions.sort((a, b) => compareProductVersions(b.version, a.version))[0];
      if (latest) {
        if (compareProductVersions(version, latest.version) <= 0) {
          throw new ConflictException(
            `${product} versions only move forward: ${version} is not after ${latest.version}`,
          );
        }
        // Read the stored manifest back through its schema: the same shape as the one published.
        const previous = productManifestSchema.parse(latest.manifest);
        const problem = versionSuccessionProblem(previous, manifest);
        if (problem) throw new ConflictException(`${product} ${version}: ${problem}`);
      }
      const published = tx.create(ProductVersionEntity, {
        product,
        version,
        manifest,
        checksum,
        schemaVersion: ProductManifests.schemaVersionOf(manifest),
      });
      await tx.save(published);
      await this.outbox.append(
        tx,
        ProductVersionPublished,
        { product, version, manifest, checksum },
        { tenantId: ALL_TENANTS, correlationId },
      );
      return { created: true, version: published };
    });
    // The product's lifecycle feed exists before the product's listener first looks for it. If
    // Kafka is away this fails after the commit; publishing the same version again is a no-op
    // that creates the feed then.
    await this.feeds.ensureFeeds([product]);
    return result;
  }
}
