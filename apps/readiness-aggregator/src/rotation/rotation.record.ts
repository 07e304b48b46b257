import type { CredentialsIssuedPayload, Stage } from '@enclave/contracts';

/** Where the last credential rotation of a registration stands (one row keeps only the last). */
export interface RotationRecord {
  rotationId: string;
  credentials: CredentialsIssuedPayload['credentials'];
  /** Stages that have not applied the new credentials yet. */
  awaiting: Stage[];
  state: 'pending' | 'done' | 'failed';
  requestedAt: string;
  completedAt: string | null;
  /** Why a stage could not apply them, when failed. */
  reason: string | null;
}
