/** The parts of the admin API's registration document the CLI reads (GET …/services/{product}). */
export interface RegistrationView {
  readonly id: string;
  readonly tenantId: string;
  readonly product: string;
  readonly productVersion: string;
  readonly isolationMode: string;
  readonly state: string;
  readonly retries: number;
  readonly conditions: readonly StageConditionView[];
  readonly rotation: {
    readonly rotationId: string;
    readonly state: 'requested' | 'done' | 'failed';
    readonly reason: string | null;
  } | null;
}

export interface StageConditionView {
  readonly stage: string;
  readonly status: 'pending' | 'done' | 'failed';
  readonly reason: string | null;
  readonly durationMs: number | null;
}
