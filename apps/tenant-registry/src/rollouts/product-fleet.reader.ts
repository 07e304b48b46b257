import { compareProductVersions } from '@enclave/contracts';
import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ProductEntity } from '../products/product.entity';
import { ServiceRegistrationEntity } from '../registrations/service-registration.entity';
import { RolloutsReader } from './rollouts.reader';

/**
 * A product's fleet as its dashboard shows it: how many tenants are at each version, which are
 * behind the current version or failed to move and why, and the rollouts with their progress.
 */
@Injectable()
export class ProductFleetReader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rollouts: RolloutsReader,
  ) {}

  async fleet(name: string) {
    const product = await this.dataSource.getRepository(ProductEntity).findOneBy({ name });
    if (!product) throw new NotFoundException(`unknown product '${name}'`);
    const atVersion: { product_version: string; n: number }[] = await this.dataSource.query(
      `SELECT product_version, count(*)::int AS n FROM tenant_registry.service_registration
        WHERE product = $1 AND state = 'ready' GROUP BY product_version ORDER BY product_version`,
      [name],
    );
    const candidates = await this.dataSource
      .getRepository(ServiceRegistrationEntity)
      .createQueryBuilder('r')
      .where('r.product = :name AND r.state = :ready', { name, ready: 'ready' })
      .andWhere('(r.product_version <> :current OR r.upgrade IS NOT NULL)', {
        current: product.currentVersion,
      })
      .orderBy('r.tenant_id')
      .getMany();
    // Behind: older than the current version, or a rollout could not bring it forward.
    const behind = candidates.filter(
      (r) =>
        compareProductVersions(r.productVersion, product.currentVersion) < 0 ||
        r.upgrade?.state === 'failed',
    );
    return {
      product: name,
      current: product.currentVersion,
      tenantsAtVersion: Object.fromEntries(atVersion.map((v) => [v.product_version, v.n])),
      behind: behind.map((r) => ({
        tenantId: r.tenantId,
        productVersion: r.productVersion,
        upgrade: r.upgrade,
      })),
      rollouts: (await this.rollouts.list(name)).slice(0, 10),
    };
  }
}
