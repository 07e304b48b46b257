import { PoolClient } from 'pg';

/**
 * Each tenant's one organization and one ledger, created with its first account. The ids are fixed
 * (every tenant has its own tables), so concurrent first requests converge on the same rows.
 */
export const DefaultLedger = {
  organizationId: '00000000-0000-4000-8000-000000000001',
  ledgerId: '00000000-0000-4000-8000-000000000002',

  /** Creates the organization and ledger if missing; call inside the caller's transaction. */
  async ensure(client: PoolClient): Promise<string> {
    await client.query(
      `INSERT INTO organizations (id, name) VALUES ($1, 'default') ON CONFLICT (id) DO NOTHING`,
      [this.organizationId],
    );
    await client.query(
      `INSERT INTO ledgers (id, organization_id, name) VALUES ($1, $2, 'default') ON CONFLICT (id) DO NOTHING`,
      [this.ledgerId, this.organizationId],
    );
    return this.ledgerId;
  },
} as const;
