import type { Stage } from '@enclave/contracts';

/**
 * A stage applied (or gave up applying) the credentials of rotation `rotationId`. Kept until the
 * rotation's CredentialsIssued arrives when it comes first (topics are consumed independently).
 */
export interface CredentialReport {
  rotationId: string;
  stage: Stage;
  status: 'done' | 'failed';
  at: string;
  reason: string | null;
}
