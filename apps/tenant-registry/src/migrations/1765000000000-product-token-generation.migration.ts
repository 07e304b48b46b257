import { MigrationInterface, QueryRunner } from 'typeorm';

/** Product API tokens carry a generation: revoking a product's tokens moves it on. */
export class ProductTokenGeneration1765000000000 implements MigrationInterface {
  name = 'ProductTokenGeneration1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE tenant_registry.product ADD COLUMN token_generation int NOT NULL DEFAULT 1',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE tenant_registry.product DROP COLUMN token_generation');
  }
}
