import { ProductManifests, RabbitMqIsolation } from '@enclave/contracts';
import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ProductVersionEntity } from './product-version.entity';
import { ProductEntity } from './product.entity';

/** A product's current version, as new registrations get it. */
export interface CurrentProduct {
  readonly product: ProductEntity;
  readonly current: ProductVersionEntity;
}

/** What a registration view shows of its product version. */
export interface VersionFacts {
  readonly schemaVersion: number;
  readonly rabbitmqIsolation: RabbitMqIsolation | null;
}

/** Reads the catalog the registry keeps: products, their versions and manifests. */
@Injectable()
export class ProductCatalogReader {
  constructor(private readonly dataSource: DataSource) {}

  async names(tx: EntityManager = this.dataSource.manager): Promise<string[]> {
    const products = await tx.find(ProductEntity, { order: { name: 'ASC' } });
    return products.map((p) => p.name);
  }

  /** The product and its current version, or undefined for a product never published. */
  async current(
    name: string,
    tx: EntityManager = this.dataSource.manager,
  ): Promise<CurrentProduct | undefined> {
    const product = await tx.findOneBy(ProductEntity, { name });
    if (!product) return undefined;
    const current = await tx.findOneByOrFail(ProductVersionEntity, {
      product: name,
      version: product.currentVersion,
    });
    return { product, current };
  }

  async list() {
    const products = await this.dataSource.getRepository(ProductEntity).find({
      order: { name: 'ASC' },
    });
    const versions = await this.dataSource.getRepository(ProductVersionEntity).find();
    return products.map((p) => {
      const current = versions.find((v) => v.product === p.name && v.version === p.currentVersion)!;
      return {
        name: p.name,
        version: p.currentVersion,
        defaultIsolationMode: current.manifest.defaultIsolationMode,
        resources: ProductManifests.resourcesOf(current.manifest),
        schemaVersion: current.schemaVersion,
        versions: versions.filter((v) => v.product === p.name).length,
      };
    });
  }

  async versions(name: string) {
    const product = await this.dataSource.getRepository(ProductEntity).findOneBy({ name });
    if (!product) throw new NotFoundException(`unknown product '${name}'`);
    const versions = await this.dataSource.getRepository(ProductVersionEntity).find({
      where: { product: name },
      order: { publishedAt: 'ASC' },
    });
    return {
      product: name,
      current: product.currentVersion,
      versions: versions.map(({ version, checksum, schemaVersion, publishedAt }) => ({
        version,
        checksum,
        schemaVersion,
        publishedAt,
      })),
    };
  }

  async version(name: string, version: string): Promise<ProductVersionEntity> {
    const found = await this.dataSource
      .getRepository(ProductVersionEntity)
      .findOneBy({ product: name, version });
    if (!found) throw new NotFoundException(`${name} has no published version ${version}`);
    return found;
  }

  /**
   * Per (product, product version), for registration views: its schema version, and its RabbitMQ
   * isolation level (null without RabbitMQ; a manifest stored before the level existed is `VHOST`).
   */
  async versionFacts(products: string[]): Promise<Map<string, VersionFacts>> {
    if (products.length === 0) return new Map();
    const rows = await this.dataSource
      .getRepository(ProductVersionEntity)
      .createQueryBuilder('v')
      .select('v.product', 'product')
      .addSelect('v.version', 'version')
      .addSelect('v.schema_version', 'schemaVersion')
      .addSelect(`v.manifest -> 'resources' -> 'rabbitmq' IS NOT NULL`, 'rabbitmq')
      .addSelect(`v.manifest -> 'resources' -> 'rabbitmq' ->> 'isolation'`, 'isolation')
      .where('v.product IN (:...products)', { products })
      .getRawMany<{
        product: string;
        version: string;
        schemaVersion: number;
        rabbitmq: boolean;
        isolation: RabbitMqIsolation | null;
      }>();
    return new Map(
      rows.map((r) => [
        `${r.product}@${r.version}`,
        {
          schemaVersion: r.schemaVersion,
          rabbitmqIsolation: r.rabbitmq ? (r.isolation ?? 'VHOST') : null,
        },
      ]),
    );
  }
}
