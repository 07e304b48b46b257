import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Product API tokens become rows (a keyed hash, an expiry, a revocation) so each one can be listed
 * and revoked on its own. Tokens of the earlier signed format stop working: operators issue new ones.
 */
export class ProductApiTokens1765200000000 implements MigrationInterface {
  name = 'ProductApiTokens1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenant_registry.product_api_token (
        id         uuid PRIMARY KEY,
        product    text NOT NULL REFERENCES tenant_registry.product (name),
        name       text,
        token_hash bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz
      )`);
    await q.query(
      'CREATE INDEX product_api_token_product ON tenant_registry.product_api_token (product, created_at)',
    );
    await q.query('ALTER TABLE tenant_registry.product DROP COLUMN token_generation');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE tenant_registry.product ADD COLUMN token_generation int NOT NULL DEFAULT 1',
    );
    await q.query('DROP TABLE tenant_registry.product_api_token');
  }
}
