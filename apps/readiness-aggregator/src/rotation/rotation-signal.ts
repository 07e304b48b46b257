import type { CredentialsIssuedPayload, Stage } from '@enclave/contracts';

/** What one event says about a credential rotation (a stage report's `rotationId` is null outside one). */
export type RotationSignal =
  | {
      readonly kind: 'issued';
      readonly rotationId: string;
      readonly credentials: CredentialsIssuedPayload['credentials'];
    }
  | { readonly kind: 'applied'; readonly stage: Stage; readonly rotationId: string | null }
  | {
      readonly kind: 'failed';
      readonly stage: Stage;
      readonly reason: string;
      readonly rotationId: string | null;
    };
