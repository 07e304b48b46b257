import type { Stage } from '@enclave/contracts';

/**
 * A stage applied (or gave up applying) the credentials of the CredentialsIssued `causationId`.
 * Kept until a rotation claims it, because it can arrive before that CredentialsIssued does
 * (different topics are consumed independently).
 */
export interface CredentialReport {
  causationId: string;
  stage: Stage;
  status: 'done' | 'failed';
  at: string;
  reason: string | null;
}
