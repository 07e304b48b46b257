import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Named operator tokens (only their SHA-256 is kept) and each tenant's history: one row per
 * lifecycle event about it, kept after offboarding (no foreign key, nothing deletes from it).
 */
export class OperatorTokensAndHistory1765350000000 implements MigrationInterface {
  name = 'OperatorTokensAndHistory1765350000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenant_registry.operator_token (
        id uuid PRIMARY KEY,
        name text NOT NULL UNIQUE,
        token_sha256 bytea NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by jsonb,
        expires_at timestamptz,
        revoked_at timestamptz,
        revoked_by jsonb
      )`);
    await q.query(`
      CREATE TABLE tenant_registry.tenant_history (
        seq bigserial PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        tenant_id text NOT NULL,
        product text,
        registration_id uuid,
        kind text NOT NULL,
        occurred_at timestamptz NOT NULL,
        actor jsonb,
        producer text NOT NULL,
        stage text,
        reason text,
        correlation_id uuid NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      'CREATE INDEX tenant_history_order ON tenant_registry.tenant_history (tenant_id, occurred_at, seq)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE tenant_registry.tenant_history');
    await q.query('DROP TABLE tenant_registry.operator_token');
  }
}
