import { Queryable, rowsOf } from '@enclave/messaging';
import { Injectable } from '@nestjs/common';

interface Registration {
  readonly registrationId: string;
  readonly tenantId: string;
  readonly product: string;
}

/**
 * The credential-service's tombstones for offboarded registrations. Both questions are asked in the
 * handler's transaction under a per-registration lock, so an issue and a revocation of the same
 * registration never interleave: whichever comes second sees the first.
 */
@Injectable()
export class RevokedRegistrations {
  /** Serializes this transaction with any other about the same registration. */
  async lock(tx: Queryable, registrationId: string): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 7101))', [registrationId]);
  }

  async isRevoked(tx: Queryable, registrationId: string): Promise<boolean> {
    const result = await tx.query(
      'SELECT 1 FROM credential_service.revoked_registration WHERE registration_id = $1',
      [registrationId],
    );
    return rowsOf(result).length > 0;
  }

  async record(tx: Queryable, r: Registration): Promise<void> {
    await tx.query(
      `INSERT INTO credential_service.revoked_registration (registration_id, tenant_id, product)
       VALUES ($1, $2, $3) ON CONFLICT (registration_id) DO NOTHING`,
      [r.registrationId, r.tenantId, r.product],
    );
  }
}
