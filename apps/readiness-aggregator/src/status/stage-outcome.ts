import type { Stage } from '@enclave/contracts';

/** What one stage event says about a registration. */
export type StageOutcome =
  | { readonly kind: 'registered'; readonly required: Stage[] }
  | { readonly kind: 'done'; readonly stage: Stage; readonly schemaVersion?: number }
  | { readonly kind: 'failed'; readonly stage: Stage; readonly reason: string };
